// `npm test`: vitest, with the type check and the lint running beside it at the lowest CPU priority.
//
// On two cores the suite's first step (files two at a time) keeps both cores busy, while its last
// steps (faults one at a time, then the cluster) leave about a third of them idle for minutes. The
// static checks take that idle time instead of a minute of their own before the suite: at nice 19
// they get the CPU only when the tests leave it, so they do not slow the tests they run beside.
// Their output is printed when each ends (a failure shows long before the suite ends), and the run
// fails if a check, a test file or the results check fails.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.once('error', (err) => {
      process.stderr.write(`${command}: ${err.message}\n`);
      resolve(1);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const started = Date.now();
const statics = run(process.execPath, [path.join(root, 'scripts', 'static-checks.mjs'), '--background']);
const vitest = await run(path.join(root, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']);
const results = vitest === 0 ? await run(process.execPath, [path.join(root, 'scripts', 'check-test-results.mjs')]) : 1;
const checks = await statics;
const failed = [checks !== 0 && 'the type check or the lint', vitest !== 0 && 'vitest', vitest === 0 && results !== 0 && 'the results check'].filter(Boolean);
process.stdout.write(`npm test: ${failed.length === 0 ? 'passed' : `FAILED (${failed.join(', ')})`} in ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(failed.length === 0 ? 0 : 1);
