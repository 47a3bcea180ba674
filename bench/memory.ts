/**
 * Worker memory with many open reviews holding timers: a worker process of its own (`npm run
 * worker`, its own task queue) and `count` real review lifecycles started on it, each parked on
 * its at-risk timer, as open reviews are. The rows are written by SQL first (kinds without an
 * automatic check, deadlines days away), then each round is started as intake starts it
 * (ReviewClient.startRound with the same search attributes, 64 starts in flight), in ten steps.
 * After each step, once every round started so far has run its first task, the worker collects its
 * garbage (it runs with --expose-gc and bench/support/memory-probe.mjs) and reports its resident set
 * and V8 heap: the curve of what a worker keeps per open review, not a high-water mark. Then the
 * cost of the cache is weighed: a query answered by a cached review against one that must be
 * replayed from its history first.
 *
 * Part of `npm run bench` (bench/run.ts); BENCH_MEMORY_REVIEWS sets the count (default 20,000),
 * BENCH_MEMORY_CACHE the worker's cache (default: the worker's own), BENCH_MEMORY_SNAPSHOTS=1 writes
 * heap snapshots at the second and the last step into data/bench/.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KINDS } from '../domain/kinds/index.js';
import type { ReviewKind } from '../domain/review.js';
import { ReviewClient } from '../temporal/review-client.js';
import type { Stack } from './support/stack.js';
import { loadAverage, scrapeMetrics, sleep } from './support/measure.js';
import { spawnWorkerProcess } from './support/worker-process.js';

const TASK_QUEUE = 'bench-memory';
const KINDS_WITHOUT_CHECK: ReviewKind[] = ['service_activation', 'quality_check_opt_out'];

export interface MemoryPoint {
  started: number;
  seconds: number;
  rssMiB: number;
}

/** The worker's memory after a forced garbage collection, with every round started so far parked. */
export interface ParkedPoint {
  started: number;
  seconds: number;
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
  contexts: number;
  gcMs: number;
  snapshot?: string;
}

/** What a query costs on a review in the worker's cache and on one that must be replayed first. */
export interface ReplayCost {
  cached: { p50: number; p95: number; cpuMs: number };
  evicted: { p50: number; p95: number; cpuMs: number };
  n: number;
}

export interface MemoryFigures {
  count: number;
  started: number;
  startSeconds: number;
  /** Seconds from the first start until the worker had run every round's first task. */
  parkedSeconds: number;
  baselineMiB: number;
  finalMiB: number;
  peakMiB: number;
  points: MemoryPoint[];
  parked: ParkedPoint[];
  replay: ReplayCost | undefined;
  cachedWorkflows: number | undefined;
  /** CPU ms the worker process used per round, from the first start until all had parked. */
  workerCpuMsPerRound: number;
  load: string;
}

/** CPU ms (user + system) the process has used. */
async function cpuMs(pid: number): Promise<number> {
  const text = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Asks the worker to collect its garbage and report its memory (and write a heap snapshot to `snapshot`). */
async function probe(pid: number, file: string, snapshot?: string): Promise<Omit<ParkedPoint, 'started' | 'seconds'>> {
  await fs.rm(file, { force: true });
  if (snapshot) await fs.writeFile(`${file}.snapshot`, snapshot);
  process.kill(pid, 'SIGWINCH');
  const until = Date.now() + 300_000;
  while (Date.now() < until) {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text) {
      const r = JSON.parse(text) as { rss: number; heapUsed: number; external: number; contexts: number; gcMs: number; snapshot?: string };
      const mib = (x: number) => x / 2 ** 20;
      return { rssMiB: mib(r.rss), heapMiB: mib(r.heapUsed), externalMiB: mib(r.external), contexts: r.contexts, gcMs: r.gcMs, ...(r.snapshot ? { snapshot: r.snapshot } : {}) };
    }
    await sleep(200);
  }
  throw new Error('the worker did not answer the memory probe within 5 minutes');
}

/**
 * Built-in `__stack_trace` queries, one at a time: on a review the worker still caches it is answered
 * at once; on an evicted one the worker first replays the review's history. The difference is what
 * evicting a review costs when it wakes.
 */
async function replayCost(stack: Stack, pid: number, evicted: string[], cached: string[]): Promise<ReplayCost> {
  const time = async (ids: string[]) => {
    const cpu0 = await cpuMs(pid);
    const times: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      await stack.client.workflow.getHandle(id).query('__stack_trace');
      times.push(performance.now() - t0);
    }
    const cpu = ((await cpuMs(pid)) - cpu0) / ids.length;
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]!, cpuMs: cpu };
  };
  // The cached ones first: querying evicted reviews brings them into the cache and pushes others out.
  const c = await time(cached);
  const e = await time(evicted);
  return { cached: c, evicted: e, n: cached.length };
}

/** Workflow tasks the worker has completed, from its SDK metrics. */
async function tasksDone(metricsAddress: string): Promise<{ tasks: number; cached: number | undefined }> {
  const m = await scrapeMetrics(metricsAddress);
  let tasks = 0;
  let cached: number | undefined;
  for (const [k, v] of m) {
    if (k.startsWith('temporal_workflow_task_execution_latency_count') && k.includes(TASK_QUEUE)) tasks += v;
    if (k.startsWith('temporal_sticky_cache_size')) cached = (cached ?? 0) + v;
  }
  return { tasks, cached };
}

/**
 * Open rows for `count` rounds of kinds without an automatic check, deadlines 3 to 10 days away; returns their ids.
 * They are marked started from the outset: this part starts each round itself on its own worker, and a row left
 * unstarted would be started first by the app's sweeper, on the app's worker, which this part does not measure.
 */
async function seedRows(stack: Stack, count: number): Promise<{ id: string; kind: ReviewKind; tenantId: string; submittedAt: Date; dueAt: Date; atRiskAt: Date }[]> {
  const [tenant] = (await stack.db.sql`insert into tenants (name) values ('memory bench tenant') returning id`) as unknown as [{ id: string }];
  const rows = (await stack.db.sql`
    insert into reviews (kind, tenant_id, subject_id, title, round, status, submitted_at, first_submitted_at, due_at, at_risk_at, due_rule, sla_state, workflow_id, workflow_started_at)
    select k.kinds[1 + g % cardinality(k.kinds)], ${tenant.id}::uuid, 'M' || g, 'memory bench ' || g, 1, 'pending', now(), now(),
           now() + interval '3 days' + (g % 1000) * interval '10 minutes', now() + interval '2 days' + (g % 1000) * interval '8 minutes',
           '{"type":"working_minutes","minutes":2700}'::jsonb, 'on_track', 'pending-start', now()
    from generate_series(1, ${count}) g, (select ${KINDS_WITHOUT_CHECK}::text[] as kinds) k
    returning id, kind, tenant_id, submitted_at, due_at, at_risk_at`) as unknown as { id: string; kind: ReviewKind; tenant_id: string; submitted_at: string; due_at: string; at_risk_at: string }[];
  await stack.db.sql`update reviews set workflow_id = 'review-' || id || '-round-1' where workflow_id = 'pending-start'`;
  // Timestamps arrive as text on this connection (drizzle leaves them unparsed).
  return rows.map((r) => ({ id: r.id, kind: r.kind, tenantId: r.tenant_id, submittedAt: new Date(r.submitted_at), dueAt: new Date(r.due_at), atRiskAt: new Date(r.at_risk_at) }));
}

export async function measureMemory(stack: Stack, opts: { count: number; maxMinutes?: number; cache?: number; snapshots?: boolean; say?: (line: string) => void }): Promise<MemoryFigures> {
  const say = opts.say ?? (() => undefined);
  const maxMs = (opts.maxMinutes ?? 30) * 60_000;
  const probeFile = path.join(stack.dir, 'memory-probe.json');
  const worker = await spawnWorkerProcess(stack, {
    name: 'memory-worker',
    taskQueue: TASK_QUEUE,
    nodeArgs: ['--expose-gc', '--import', './bench/support/memory-probe.mjs'],
    env: {
      BENCH_MEMORY_PROBE_FILE: probeFile,
      ...(opts.cache !== undefined ? { WORKER_CACHED_WORKFLOWS: String(opts.cache) } : {}),
      LOG_LEVEL: 'info',
      // The rows wait for the bench's own starts, step by step: the sweeper would start them early.
      SWEEP_INTERVAL_MS: '3600000',
    },
  });
  const { pid, metricsAddress } = worker;
  try {
    await sleep(3000);
    const idle = await probe(pid, probeFile);
    const baselineMiB = idle.rssMiB;
    const parked: ParkedPoint[] = [{ started: 0, seconds: 0, ...idle }];
    say(`  idle worker: RSS ${idle.rssMiB.toFixed(0)} MiB, heap ${idle.heapMiB.toFixed(0)} MiB after GC`);
    const cpu0 = await cpuMs(pid);
    const rows = await seedRows(stack, opts.count);
    const reviews = new ReviewClient(stack.client, TASK_QUEUE);
    const points: MemoryPoint[] = [];
    let peakMiB = baselineMiB;
    let next = 0;
    let started = 0;
    let done = { tasks: 0, cached: undefined as number | undefined };
    const t0 = performance.now();
    const seconds = () => (performance.now() - t0) / 1000;
    const sampler = setInterval(() => {
      rssMiB(pid).then(
        (mib) => {
          peakMiB = Math.max(peakMiB, mib);
          points.push({ started, seconds: seconds(), rssMiB: mib });
        },
        () => undefined, // the worker is gone: the step waiting on it reports that
      );
    }, 5000);
    const step = Math.ceil(opts.count / 10);
    const snapshotDir = path.resolve('data', 'bench');
    let startSeconds = 0;
    try {
      for (let s = 1; next < rows.length && performance.now() - t0 < maxMs; s++) {
        const stepEnd = Math.min(rows.length, s * step);
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (next < stepEnd && performance.now() - t0 < maxMs) {
              const r = rows[next++]!;
              await reviews.startRound({
                reviewId: r.id,
                tenantId: r.tenantId,
                kind: r.kind,
                round: 1,
                submittedAt: r.submittedAt.toISOString(),
                dueAt: r.dueAt.toISOString(),
                atRiskAt: r.atRiskAt.toISOString(),
                assigneeId: null,
                stages: KINDS[r.kind].stages,
              });
              started++;
            }
          }),
        );
        startSeconds = seconds();
        // Every started round has run its first task and sleeps on its timer.
        done = await tasksDone(metricsAddress);
        while (done.tasks < started && performance.now() - t0 < maxMs + 600_000) {
          if (worker.exited()) throw new Error(`the memory worker exited; its output is in ${worker.logFile}`);
          await sleep(1000);
          done = await tasksDone(metricsAddress);
        }
        const last = next >= rows.length;
        let snapshot: string | undefined;
        if (opts.snapshots && (s === 2 || last)) {
          await fs.mkdir(snapshotDir, { recursive: true });
          snapshot = path.join(snapshotDir, `worker-${started}-open.heapsnapshot`);
        }
        const p = { started, seconds: seconds(), ...(await probe(pid, probeFile, snapshot)) };
        parked.push(p);
        say(
          `  ${started} parked after ${p.seconds.toFixed(0)} s: RSS ${p.rssMiB.toFixed(0)} MiB, heap ${p.heapMiB.toFixed(0)} MiB, external ${p.externalMiB.toFixed(0)} MiB after GC (${p.gcMs.toFixed(0)} ms), ${p.contexts} V8 contexts, ${done.cached ?? '?'} cached${p.snapshot ? `; snapshot ${p.snapshot}` : ''} (load ${loadAverage()})`,
        );
      }
      const parkedSeconds = seconds();
      const workerCpuMsPerRound = ((await cpuMs(pid)) - cpu0) / Math.max(started, 1);
      const finalMiB = parked.at(-1)!.rssMiB;
      peakMiB = Math.max(peakMiB, finalMiB);
      const n = Math.min(100, Math.floor(started / 4));
      const workflowId = (r: { id: string }) => `review-${r.id}-round-1`;
      const replay = n > 0 ? await replayCost(stack, pid, rows.slice(0, n).map(workflowId), rows.slice(started - n, started).map(workflowId)) : undefined;
      if (replay) say(`  query on a cached review p50 ${replay.cached.p50.toFixed(1)} ms (worker CPU ${replay.cached.cpuMs.toFixed(1)} ms); on an evicted one p50 ${replay.evicted.p50.toFixed(1)} ms (worker CPU ${replay.evicted.cpuMs.toFixed(1)} ms), ${n} each`);
      return { count: opts.count, started, startSeconds, parkedSeconds, baselineMiB, finalMiB, peakMiB, points, parked, replay, cachedWorkflows: done.cached, workerCpuMsPerRound, load: loadAverage() };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await worker.stop();
  }
}
