import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { scriptCommand } from '../../runtime/script-command.js';

/**
 * `npm run worker` as its own process against the test's database and queue, so a test can
 * SIGKILL it. The process is known at once (to kill it even while it starts); `ready` resolves
 * when it says it is running.
 */
export function startWorkerProcess(env: Record<string, string>): { proc: ChildProcess; ready: Promise<ChildProcess> } {
  const { command, args, cwd } = scriptCommand('worker');
  const proc = spawn(command, args, {
    cwd,
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
  const ready = new Promise<ChildProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      // Kept (for the error message) only until it runs.
      output += chunk.toString();
      if (output.includes('worker running')) {
        clearTimeout(timer);
        output = '';
        proc.stdout?.off('data', onData);
        proc.stderr?.off('data', onData);
        proc.stdout?.resume();
        proc.stderr?.resume();
        resolve(proc);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    if (process.env.TEST_WORKER_OUTPUT) {
      proc.stdout?.on('data', (c: Buffer) => process.stderr.write(`[worker ${proc.pid}] ${c.toString()}`));
      proc.stderr?.on('data', (c: Buffer) => process.stderr.write(`[worker ${proc.pid}] ${c.toString()}`));
    }
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code ?? signal}:\n${output}`));
    });
  });
  // A start that fails after the caller stopped waiting is not an unhandled rejection.
  ready.catch(() => undefined);
  return { proc, ready };
}

export async function spawnWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  return startWorkerProcess(env).ready;
}

/** SIGKILL, and wait until the process is gone. */
export async function killWorkerProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}
