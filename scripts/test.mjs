// `npm test`: vitest, with the type check and the lint running beside it at the lowest CPU priority.
//
// On two cores the suite's steps leave a share of the CPU idle between them (the fault and cluster
// steps wait on process starts, timers and recoveries). Beside the tests at nice 19, the static
// checks take that share and some of the rest, instead of a minute of their own before the suite.
// Their output is printed when each ends, so a type error shows in two or three minutes, and the
// run fails if a check, vitest or the results check fails.
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
