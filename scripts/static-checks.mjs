// The type check and the lint, side by side (`npm run check`; `npm test` runs them beside the tests).
// Each is mostly one thread, so on two cores both take as long as the lint alone. Each one's output is
// printed whole when it ends, so the two never interleave, and the step fails if either does. With
// `--background` both run at nice 19, so the tests beside them keep the first call on the CPU.
import { spawn } from 'node:child_process';
import os from 'node:os';

const background = process.argv.includes('--background');
// The checks' processes are started after this, so they inherit the priority.
if (background) os.setPriority(19);

const checks = [
  ['typecheck', ['run', '--silent', 'typecheck']],
  ['lint', ['run', '--silent', 'lint']],
];

const results = await Promise.all(
  checks.map(
    ([name, args]) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.once('error', (err) => resolve({ name, ok: false, output: `${output}${err.message}\n`, seconds: 0 }));
        child.once('close', (code, signal) => {
          const seconds = Math.round((Date.now() - started) / 1000);
          const result = { name, ok: code === 0, output: output + (code === 0 ? '' : `${name} ended with ${code ?? signal}\n`), seconds };
          process.stdout.write(`${result.output}${name}: ${result.ok ? 'passed' : 'FAILED'} in ${seconds} s${background ? ' (beside the tests, at low priority)' : ''}\n`);
          resolve(result);
        });
      }),
  ),
);
process.exit(results.every((r) => r.ok) ? 0 : 1);
