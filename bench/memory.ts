/**
 * Worker memory with many open reviews holding timers: a worker process of its own (`npm run
 * worker`, its own task queue) and `count` real review lifecycles started on it, each parked on
 * its at-risk timer, as open reviews are. The rows are written by SQL first (kinds without an
 * automatic check, deadlines days away), then each round is started as intake starts it
 * (ReviewClient.startRound with the same search attributes, 64 starts in flight), and the
 * worker's resident set size (VmRSS) is read as the count grows and once every round has run its
 * first task.
 *
 * Part of `npm run bench` (bench/run.ts); BENCH_MEMORY_REVIEWS sets the count (default 20,000: on
 * two shared cores 100,000 take most of an hour, mostly the worker catching up with the starts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { markWorkflowStarted } from '../db/reviews.js';
import { freePort } from '../runtime/embedded-postgres.js';
import { KINDS } from '../domain/kinds/index.js';
import type { ReviewKind } from '../domain/review.js';
import { ReviewClient } from '../temporal/review-client.js';
import type { Stack } from './support/stack.js';
import { loadAverage, scrapeMetrics, sleep } from './support/measure.js';

const TASK_QUEUE = 'bench-memory';
const KINDS_WITHOUT_CHECK: ReviewKind[] = ['service_activation', 'quality_check_opt_out'];

export interface MemoryPoint {
  started: number;
  seconds: number;
  rssMiB: number;
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

/** `npm run worker` on the bench's queue, with its SDK metrics served (to count the tasks it ran). */
async function spawnWorker(stack: Stack, metricsAddress: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      TEMPORAL_METRICS_ADDRESS: metricsAddress,
      DATA_DIR: `${stack.dir}/memory-worker`,
      LOG_LEVEL: 'info',
      DEMO_DATA: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker running')) resolve();
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output.slice(-2000)}`)));
  });
  proc.stdout?.removeAllListeners('data');
  proc.stderr?.removeAllListeners('data');
  proc.stdout?.resume();
  proc.stderr?.resume();
  return proc;
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

/** Open rows for `count` rounds of kinds without an automatic check, deadlines 3 to 10 days away; returns their ids. */
async function seedRows(stack: Stack, count: number): Promise<{ id: string; kind: ReviewKind; tenantId: string; submittedAt: Date; dueAt: Date; atRiskAt: Date }[]> {
  const [tenant] = (await stack.db.sql`insert into tenants (name) values ('memory bench tenant') returning id`) as unknown as [{ id: string }];
  const rows = (await stack.db.sql`
    insert into reviews (kind, tenant_id, subject_id, title, round, status, submitted_at, first_submitted_at, due_at, at_risk_at, due_rule, sla_state, workflow_id)
    select k.kinds[1 + g % 3], ${tenant.id}::uuid, 'M' || g, 'memory bench ' || g, 1, 'pending', now(), now(),
           now() + interval '3 days' + (g % 1000) * interval '10 minutes', now() + interval '2 days' + (g % 1000) * interval '8 minutes',
           '{"type":"working_minutes","minutes":2700}'::jsonb, 'on_track', 'pending-start'
    from generate_series(1, ${count}) g, (select ${KINDS_WITHOUT_CHECK}::text[] as kinds) k
    returning id, kind, tenant_id, submitted_at, due_at, at_risk_at`) as unknown as { id: string; kind: ReviewKind; tenant_id: string; submitted_at: string; due_at: string; at_risk_at: string }[];
  await stack.db.sql`update reviews set workflow_id = 'review-' || id || '-round-1' where workflow_id = 'pending-start'`;
  // Timestamps arrive as text on this connection (drizzle leaves them unparsed).
  return rows.map((r) => ({ id: r.id, kind: r.kind, tenantId: r.tenant_id, submittedAt: new Date(r.submitted_at), dueAt: new Date(r.due_at), atRiskAt: new Date(r.at_risk_at) }));
}

export async function measureMemory(stack: Stack, opts: { count: number; maxMinutes?: number; say?: (line: string) => void }): Promise<MemoryFigures> {
  const say = opts.say ?? (() => undefined);
  const maxMs = (opts.maxMinutes ?? 30) * 60_000;
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const worker = await spawnWorker(stack, metricsAddress);
  const pid = worker.pid!;
  try {
    await sleep(3000);
    const baselineMiB = await rssMiB(pid);
    const cpu0 = await cpuMs(pid);
    const rows = await seedRows(stack, opts.count);
    const reviews = new ReviewClient(stack.client, TASK_QUEUE);
    const points: MemoryPoint[] = [];
    let peakMiB = baselineMiB;
    let next = 0;
    let started = 0;
    const t0 = performance.now();
    const sampler = setInterval(() => {
      void rssMiB(pid).then((mib) => {
        peakMiB = Math.max(peakMiB, mib);
        points.push({ started, seconds: (performance.now() - t0) / 1000, rssMiB: mib });
      });
    }, 5000);
    try {
      let lastSaid = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < rows.length && performance.now() - t0 < maxMs) {
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
            await markWorkflowStarted(stack.db.db, r.id, 1);
            started++;
            if (started - lastSaid >= opts.count / 10) {
              lastSaid = started;
              say(`  ${started} rounds started in ${((performance.now() - t0) / 1000).toFixed(0)} s; worker RSS ${(await rssMiB(pid)).toFixed(0)} MiB (load ${loadAverage()})`);
            }
          }
        }),
      );
      const startSeconds = (performance.now() - t0) / 1000;
      // Every started round has run its first task and sleeps on its timer.
      let done = await tasksDone(metricsAddress);
      while (done.tasks < started && performance.now() - t0 < maxMs + 600_000) {
        await sleep(1000);
        done = await tasksDone(metricsAddress);
      }
      const parkedSeconds = (performance.now() - t0) / 1000;
      const workerCpuMsPerRound = ((await cpuMs(pid)) - cpu0) / Math.max(started, 1);
      await sleep(10_000);
      const finalMiB = await rssMiB(pid);
      peakMiB = Math.max(peakMiB, finalMiB);
      points.push({ started, seconds: (performance.now() - t0) / 1000, rssMiB: finalMiB });
      return { count: opts.count, started, startSeconds, parkedSeconds, baselineMiB, finalMiB, peakMiB, points, cachedWorkflows: done.cached, workerCpuMsPerRound, load: loadAverage() };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
}
