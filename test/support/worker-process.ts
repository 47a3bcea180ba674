import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';

/** `npm run worker` as its own process against the test's database and queue, so a test can SIGKILL it. */
export async function spawnWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    if (process.env.TEST_WORKER_OUTPUT) {
      proc.stdout?.on('data', (c: Buffer) => process.stderr.write(`[worker] ${c.toString()}`));
      proc.stderr?.on('data', (c: Buffer) => process.stderr.write(`[worker] ${c.toString()}`));
    }
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
  return proc;
}
