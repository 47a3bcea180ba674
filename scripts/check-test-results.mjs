// Vitest exits 0 when a forked test worker dies (e.g. a native module crashing): the files it
// held are simply not run. This check fails the run unless every test file ran and passed.
import fs from 'node:fs';
import path from 'node:path';

const results = JSON.parse(fs.readFileSync('test-results/vitest.json', 'utf8'));
const ran = new Map(results.testResults.map((r) => [path.relative(process.cwd(), r.name), r]));

const expected = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p);
    else if (entry.name.endsWith('.test.ts')) expected.push(p);
  }
};
walk('test');

const problems = [];
for (const file of expected) {
  const r = ran.get(file);
  if (!r) problems.push(`${file}: did not run`);
  else if (r.status !== 'passed') problems.push(`${file}: ${r.status}${r.message ? ` (${r.message.split('\n')[0]})` : ''}`);
}
if (!results.success) problems.push('vitest reported failure');
if (problems.length > 0) {
  console.error(`Test run incomplete:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`);
