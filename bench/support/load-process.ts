/**
 * The load generator in a process of its own, as tenants and reviewers are: its HTTP client's CPU
 * is then not counted as the app's, and it does not share the web server's event loop. Over IPC the
 * bench hands it either a list of requests and a rate (it answers how many came back with another
 * status than expected) or a step of the intake part (it answers each submission's latency).
 *
 *   const load = await startLoadProcess(); await load.run(20, requests); await load.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { atRate } from './measure.js';
import { localSender, type IntakeSender, type StepOutcome } from '../intake.js';

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

interface IntakeMessage {
  type: 'intake';
  url: string;
  apiKey: string;
  /** A rate per second, or how many submissions are kept in flight. */
  mode: { rate: number } | { inFlight: number };
  seconds: number;
  from: number;
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
  /** The intake part's submissions, sent from this process. */
  intake(url: string, apiKey: string): IntakeSender;
  stop(): Promise<void>;
}

export async function startLoadProcess(): Promise<LoadProcess> {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.once('message', () => resolve());
    void exited.then(() => reject(new Error('the load generator exited before it was ready')));
  });
  const ask = <T>(message: RunMessage | IntakeMessage) =>
    new Promise<T>((resolve, reject) => {
      proc.once('message', (m: T) => resolve(m));
      void exited.then(() => reject(new Error('the load generator exited while running')));
      proc.send(message);
    });
  return {
    pid: proc.pid!,
    run: (rate, requests) => ask<DoneMessage>({ type: 'run', rate, requests }),
    intake: (url, apiKey) => ({
      atRate: (rate, seconds, from) => ask<StepOutcome>({ type: 'intake', url, apiKey, mode: { rate }, seconds, from }),
      closedLoop: (inFlight, seconds, from) => ask<StepOutcome>({ type: 'intake', url, apiKey, mode: { inFlight }, seconds, from }),
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

async function answer(m: RunMessage | IntakeMessage): Promise<DoneMessage | StepOutcome> {
  if (m.type === 'intake') {
    const sender = localSender(m.url, m.apiKey);
    return 'rate' in m.mode ? sender.atRate(m.mode.rate, m.seconds, m.from) : sender.closedLoop(m.mode.inFlight, m.seconds, m.from);
  }
  const { results } = await atRate(m.rate, m.requests.length / m.rate, (i) => send(m.requests[i]!));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  return { type: 'done', failed: failures.length, ...(failures[0] ? { firstFailure: String(failures[0].reason) } : {}) };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.on('message', (m: RunMessage | IntakeMessage) => void answer(m).then((out) => process.send!(out)));
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready' });
}
