/**
 * The load generator in a process of its own, as tenants and reviewers are: its HTTP client's CPU
 * is then not counted as the app's, and it does not share the web server's event loop. The bench
 * hands it a list of requests and a rate over IPC; it sends them on time and answers how many came
 * back with another status than expected.
 *
 *   const load = await startLoadProcess(); await load.run(20, requests); await load.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { atRate } from './measure.js';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** The status a success answers with. */
  expect: number;
}

interface RunMessage {
  type: 'run';
  rate: number;
  requests: LoadRequest[];
}

interface DoneMessage {
  type: 'done';
  failed: number;
  firstFailure?: string;
}

export interface LoadProcess {
  pid: number;
  /** Sends the requests at `rate` per second; resolves once every answer is in. */
  run(rate: number, requests: LoadRequest[]): Promise<DoneMessage>;
  stop(): Promise<void>;
}

export async function startLoadProcess(): Promise<LoadProcess> {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.once('message', () => resolve());
    void exited.then(() => reject(new Error('the load generator exited before it was ready')));
  });
  return {
    pid: proc.pid!,
    run: (rate, requests) =>
      new Promise<DoneMessage>((resolve, reject) => {
        proc.once('message', (m: DoneMessage) => resolve(m));
        void exited.then(() => reject(new Error('the load generator exited while running')));
        proc.send({ type: 'run', rate, requests } satisfies RunMessage);
      }),
    stop: async () => {
      proc.disconnect();
      await exited;
    },
  };
}

async function send(r: LoadRequest): Promise<void> {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }), redirect: 'manual' });
  const text = await res.text();
  if (res.status !== r.expect) throw new Error(`${r.method} ${new URL(r.url).pathname} answered ${res.status}: ${text.slice(0, 200)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.on('message', (m: RunMessage) => {
    void atRate(m.rate, m.requests.length / m.rate, (i) => send(m.requests[i]!)).then(({ results }) => {
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      const done: DoneMessage = { type: 'done', failed: failures.length, ...(failures[0] ? { firstFailure: String(failures[0].reason) } : {}) };
      process.send!(done);
    });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
