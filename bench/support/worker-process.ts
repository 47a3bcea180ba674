/**
 * `npm run worker` as a process of its own, as `npm start` runs it: its own event loop, its own
 * Temporal runtime with its SDK metrics served (to count the workflow tasks it ran), against the
 * bench's database and Temporal server. It says it is ready over an IPC channel, as it tells the
 * supervisor, and stops itself when this process goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../runtime/embedded-postgres.js';
import type { Stack } from './stack.js';
import { scriptCommand } from '../../runtime/script-command.js';

export interface WorkerProcess {
  proc: ChildProcess;
  pid: number;
  /** Where its SDK serves its metrics. */
  metricsAddress: string;
  /** Where its output goes (data/bench/<name>.log). */
  logFile: string;
  /** True once it has exited, for whatever reason. */
  exited(): boolean;
  /** SIGTERM, then waits for it to drain and exit. */
  stop(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Names its log file. */
  name: string;
  taskQueue: string;
  /** Node flags before the script (e.g. --expose-gc, an --import of a probe). */
  nodeArgs?: string[];
  /** More of its environment (senders, cache size, log level). */
  env?: NodeJS.ProcessEnv;
}

export async function spawnWorkerProcess(stack: Stack, opts: WorkerProcessOptions): Promise<WorkerProcess> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  await fs.mkdir(path.resolve('data', 'bench'), { recursive: true });
  const logFile = path.resolve('data', 'bench', `${opts.name}.log`);
  const log = createWriteStream(logFile);
  const { command, args, cwd } = scriptCommand('worker', opts.nodeArgs);
  const proc = spawn(command, args, {
    cwd,
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      DATABASE_APP_URL: stack.appDatabaseUrl,
      VRD_DATABASE_PREPARED: '1',
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      TEMPORAL_METRICS_ADDRESS: metricsAddress,
      DATA_DIR: path.join(stack.dir, opts.name),
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The log ends once, with the exit line, after both streams have closed ('close' comes after them).
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    proc.once('close', (code, signal) => {
      exited = true;
      log.end(`\nworker exited: code ${code}, signal ${signal}\n`);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    proc.on('message', (m: { type?: string }) => {
      if (m?.type === 'ready') resolve();
    });
    void exit.then(() => reject(new Error(`the ${opts.name} worker exited before it was ready; its output is in ${logFile}`)));
  });
  return {
    proc,
    pid: proc.pid!,
    metricsAddress,
    logFile,
    exited: () => exited,
    stop: async () => {
      if (!exited) proc.kill('SIGTERM');
      await exit;
    },
  };
}
