/**
 * The engine's own rates on a Temporal server, measured with the app's SDK from this process and a
 * worker of its own (its own task queue), so an app figure can be given as a share of what the
 * engine itself does on the same server in the same sitting:
 *
 * - start-only: workflow starts with 64 in flight, each workflow parking on a timer after its
 *   first task, as a review round parks on its at-risk timer;
 * - start-and-complete: a trivial workflow started and awaited to its result, 64 in flight.
 *
 * Each is measured `repeats` times; the median is the engine rate.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import type { EngineSinks } from './engine/workflows.js';
import { bundleOptionsFor, WORKER_TUNING } from '../activities/worker.js';
import type { TemporalTarget } from '../runtime/temporal.js';
import { atRate, closedLoop, loadAverage, median, percentiles, sleep, type StepFigures } from './support/measure.js';

const require = createRequire(import.meta.url);
const workflowsPath = require.resolve('./engine/workflows.ts');

export interface EngineRates {
  /** Starts per second of a workflow that parks on a timer, each repeat. */
  startOnly: number[];
  /** Seconds the worker needed after the last start until every started workflow had parked, each repeat. */
  drainSeconds: number[];
  /** Trivial workflows started and completed per second, each repeat. */
  startComplete: number[];
  startOnlyMedian: number;
  startCompleteMedian: number;
  /** Start call latency at the start-only rate (ms). */
  startLatency: { p50: number; p95: number };
  load: string;
  inFlight: number;
  seconds: number;
  /** Workflows started in all (warm-up included), for CPU per workflow. */
  workflows: number;
}


/** A worker of the engine's own workflows on a queue of its own, and the calls the engine figures are made of. */
export interface EngineWorker {
  /** Starts a workflow that parks on a timer after its first task. */
  start(): Promise<void>;
  /** Waits until the worker has run the first task of every workflow started; returns the seconds waited. */
  drained(): Promise<number>;
  /** Starts a trivial workflow and waits for its result. */
  complete(): Promise<void>;
  started(): number;
  completed(): number;
  stop(): Promise<void>;
}

export async function startEngineWorker(target: TemporalTarget): Promise<EngineWorker> {
  const taskQueue = `bench-engine-${randomUUID()}`;
  const native = await NativeConnection.connect(target.connectionOptions as Parameters<typeof NativeConnection.connect>[0]);
  const connection = await Connection.connect(target.connectionOptions as Parameters<typeof Connection.connect>[0]);
  const client = new Client({ connection, namespace: target.namespace });
  let parked = 0;
  let started = 0;
  let completed = 0;
  const sinks: InjectedSinks<EngineSinks> = { bench: { parked: { fn: () => void parked++, callDuringReplay: false } } };
  const worker = await Worker.create({
    connection: native,
    namespace: target.namespace,
    taskQueue,
    sinks,
    // The app's worker and bundle settings, so the two differ only in what the workflows do.
    ...WORKER_TUNING,
    workflowBundle: await bundleWorkflowCode({ ...bundleOptionsFor(workflowsPath), logger: new DefaultLogger('WARN') }),
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  return {
    start: async () => {
      await client.workflow.start('parkedOnTimer', { taskQueue, workflowId: `engine-parked-${randomUUID()}` });
      started++;
    },
    drained: async () => {
      const t0 = performance.now();
      while (parked < started) await sleep(20);
      return (performance.now() - t0) / 1000;
    },
    complete: async () => {
      await client.workflow.execute('startAndComplete', { taskQueue, workflowId: `engine-trivial-${randomUUID()}` });
      completed++;
    },
    started: () => started,
    completed: () => completed,
    stop: () =>
      (stopped ??= (async () => {
        worker.shutdown();
        await running;
        await connection.close();
        await native.close();
      })()),
  };
}

export async function measureEngine(target: TemporalTarget, opts: { seconds?: number; repeats?: number; inFlight?: number; log?: (line: string) => void } = {}): Promise<EngineRates> {
  const seconds = opts.seconds ?? 10;
  const repeats = opts.repeats ?? 2;
  const inFlight = opts.inFlight ?? 64;
  const say = opts.log ?? (() => undefined);
  const engine = await startEngineWorker(target);
  const { start, drained, complete } = engine;
  try {
    // Warm-up: connections, the worker's first tasks, the server's caches.
    await Promise.all(Array.from({ length: inFlight }, () => start()));
    await Promise.all(Array.from({ length: inFlight }, () => complete()));
    await drained();
    const startOnly: number[] = [];
    const drainSeconds: number[] = [];
    const startComplete: number[] = [];
    const latencies: number[] = [];
    const load: string[] = [];
    for (let r = 0; r < repeats; r++) {
      const a = await closedLoop(inFlight, seconds, start);
      startOnly.push((a.done / a.elapsedMs) * 1000);
      latencies.push(...a.latencies);
      drainSeconds.push(await drained());
      const b = await closedLoop(inFlight, seconds, complete);
      startComplete.push((b.done / b.elapsedMs) * 1000);
      load.push(loadAverage());
      say(`engine repeat ${r + 1}: start-only ${startOnly[r]!.toFixed(1)}/s (worker caught up ${drainSeconds[r]!.toFixed(1)} s later), start-and-complete ${startComplete[r]!.toFixed(1)}/s (load ${load[r]})`);
    }
    const l = percentiles(latencies);
    return {
      startOnly,
      drainSeconds,
      startComplete,
      startOnlyMedian: median(startOnly),
      startCompleteMedian: median(startComplete),
      startLatency: { p50: l.p50, p95: l.p95 },
      load: load.join(' / '),
      inFlight,
      seconds,
      workflows: engine.started() + engine.completed(),
    };
  } finally {
    await engine.stop();
  }
}

/** The engine's own starts at one offered rate, and how far its worker fell behind. */
export interface EngineAtRate extends StepFigures {
  offered: number;
  /** Seconds its worker needed after the step until every workflow started in it had parked. */
  drainSeconds: number;
}

/**
 * The engine's parking workflows started at each of `rates` (open loop, as intake's steps send
 * submissions), each for `seconds`, waiting for its worker to catch up between steps. The same
 * offered rate as an intake step tells how much of that step's latency the engine itself takes on
 * this machine: the start call with its worker running, without HTTP, a database or the app.
 */
export async function measureEngineAtRates(target: TemporalTarget, rates: number[], opts: { seconds?: number; log?: (line: string) => void } = {}): Promise<EngineAtRate[]> {
  const seconds = opts.seconds ?? 10;
  const say = opts.log ?? (() => undefined);
  const engine = await startEngineWorker(target);
  try {
    await Promise.all(Array.from({ length: 64 }, () => engine.start()));
    await engine.drained();
    const steps: EngineAtRate[] = [];
    for (const offered of rates) {
      const { results, elapsedMs } = await atRate(offered, seconds, () => {
        const t0 = performance.now();
        return engine.start().then(() => performance.now() - t0);
      });
      const latencies = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const load = loadAverage();
      const drainSeconds = await engine.drained();
      const p = percentiles(latencies);
      const step = { offered, sustained: (latencies.length / elapsedMs) * 1000, p50: p.p50, p95: p.p95, p99: p.p99, failed: results.length - latencies.length, count: latencies.length, drainSeconds, load };
      say(`engine at ${offered}/s offered: sustained ${step.sustained.toFixed(1)}/s, p50 ${p.p50.toFixed(0)} / p95 ${p.p95.toFixed(0)} ms, ${step.failed} failed, worker caught up ${drainSeconds.toFixed(1)} s after (load ${load})`);
      steps.push(step);
    }
    return steps;
  } finally {
    await engine.stop();
  }
}
