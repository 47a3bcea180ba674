// `npm test`: vitest, with the type check and the lint run where the suite leaves the CPU idle.
//
// On two cores the suite's paired step (workflow and integration files two at a time) keeps both
// cores busy, while the steps after it (the faults, then the cluster) leave about half of them idle
// for minutes. The static checks run there, at nice 19, instead of taking a minute of their own
// before the suite: scripts/static-checks-reporter.mjs starts them when the first of those steps
// begins. A run that ends before it (a failure that stops vitest) runs them afterwards. Each check's
// output is printed when it ends, and the run fails if a check, vitest or the results check fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args, env = process.env) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
    child.once('error', (err) => {
      process.stderr.write(`${command}: ${err.message}\n`);
      resolve(1);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const started = Date.now();
const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vrd-test-')), 'static-checks');
const vitest = await run(
  path.join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', '--reporter=json', '--reporter=./scripts/static-checks-reporter.mjs', '--outputFile.json=test-results/vitest.json'],
  { ...process.env, STATIC_CHECKS_RESULT: resultFile },
);
const results = vitest === 0 ? await run(process.execPath, [path.join(root, 'scripts', 'check-test-results.mjs')]) : 1;
const checks = fs.existsSync(resultFile) ? Number(fs.readFileSync(resultFile, 'utf8')) : await run(process.execPath, [path.join(root, 'scripts', 'static-checks.mjs')]);
fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
const failed = [checks !== 0 && 'the type check or the lint', vitest !== 0 && 'vitest', vitest === 0 && results !== 0 && 'the results check'].filter(Boolean);
process.stdout.write(`npm test: ${failed.length === 0 ? 'passed' : `FAILED (${failed.join(', ')})`} in ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(failed.length === 0 ? 0 : 1);
