/**
 * What the benchmarks measure besides their own timings: percentiles, the machine's load, CPU time
 * per process (this Node process, PostgreSQL with its backends, the Temporal server), the costliest
 * statements (pg_stat_statements) and Temporal's own counters (/metrics).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import type { Database } from '../../db/client.js';

export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export function percentiles(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s[s.length - 1] ?? NaN };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function machine(): string {
  return `${os.cpus()[0]?.model.trim() ?? 'unknown cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms (user + system) a process and, with `children`, its direct children have used. */
async function processCpuMs(pid: number, children: boolean): Promise<number> {
  const stat = async (p: number) => {
    const text = await fs.readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // utime, stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the name.
    return { ppid: Number(fields[1]), ms: (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * TICK_MS };
  };
  let total = (await stat(pid)).ms;
  if (children) {
    for (const entry of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const s = await stat(Number(entry));
      if (s.ppid === pid) total += s.ms;
    }
  }
  return total;
}

export interface CpuSample {
  /** This process: the web server and the load generator (and the worker, when it runs here). */
  node: number;
  /** The app's worker when it runs in a process of its own; 0 otherwise. */
  worker: number;
  postgres: number;
  temporal: number;
  /** The load generator when it runs in a process of its own; 0 otherwise. */
  load: number;
  at: number;
}

/** PostgreSQL's backends are children of the postmaster; the dev server is one process. */
export async function cpuSample(pids: { postgres: number; temporal: number; worker?: number | undefined; load?: number | undefined }): Promise<CpuSample> {
  const u = process.cpuUsage();
  return {
    node: (u.user + u.system) / 1000,
    worker: pids.worker === undefined ? 0 : await processCpuMs(pids.worker, false),
    postgres: await processCpuMs(pids.postgres, true),
    temporal: await processCpuMs(pids.temporal, false),
    load: pids.load === undefined ? 0 : await processCpuMs(pids.load, false),
    at: performance.now(),
  };
}

/** CPU ms each part used between two samples, per unit of work when `per` is given. Backends that exited meanwhile are not counted. */
export function cpuBetween(a: CpuSample, b: CpuSample, per = 1): string {
  const wall = b.at - a.at;
  const part = (x: number) => `${((x / per) * 1).toFixed(per === 1 ? 0 : 1)} ms (${((x / wall) * 100).toFixed(0)}%)`;
  const worker = b.worker - a.worker > 0 ? `, worker ${part(b.worker - a.worker)}` : '';
  return `node ${part(b.node - a.node)}${worker}, postgres ${part(b.postgres - a.postgres)}, temporal ${part(b.temporal - a.temporal)}${per === 1 ? '' : ' per unit'}`;
}

export async function resetStatements(db: Database, enabled: boolean): Promise<void> {
  if (enabled) await db.sql`select pg_stat_statements_reset()`;
}

/** The statements that took the most time since the last reset, as lines of a report. */
export async function topStatements(db: Database, enabled: boolean, limit = 12): Promise<string[]> {
  if (!enabled) return ['(pg_stat_statements not available)'];
  const rows = (await db.sql`
    select calls::int, round(total_exec_time::numeric, 1)::float as total_ms, round(mean_exec_time::numeric, 3)::float as mean_ms,
           left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query
    from pg_stat_statements
    where query not ilike '%pg_stat_statements%'
    order by total_exec_time desc limit ${limit}`) as unknown as { calls: number; total_ms: number; mean_ms: number; query: string }[];
  return rows.map((r) => `${String(r.calls).padStart(7)} calls ${String(r.total_ms).padStart(9)} ms total ${String(r.mean_ms).padStart(8)} ms mean  ${r.query}`);
}

/** Statement calls and execution time since the last reset, in all. */
export async function statementTotals(db: Database, enabled: boolean): Promise<{ calls: number; ms: number } | undefined> {
  if (!enabled) return undefined;
  const [row] = (await db.sql`select coalesce(sum(calls), 0)::float as calls, coalesce(sum(total_exec_time), 0)::float as ms from pg_stat_statements where query not ilike '%pg_stat_statements%'`) as unknown as [
    { calls: number; ms: number },
  ];
  return row;
}

/** Every counter (and histogram count/sum) of a Prometheus text page, keyed by name and labels. */
export async function scrapeMetrics(address: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  try {
    const res = await fetch(`http://${address}/metrics`);
    for (const line of (await res.text()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^(\S+?)(\{.*\})?\s+(\S+)$/.exec(line);
      if (!m) continue;
      const value = Number(m[3]);
      if (Number.isFinite(value)) out.set(`${m[1]}${m[2] ?? ''}`, value);
    }
  } catch {
    // the metrics endpoint is optional evidence
  }
  return out;
}

/**
 * The mean of a histogram (`<metric>_sum` / `<metric>_count`) between two scrapes, by the value of one of its
 * labels ('' for all): e.g. the SDK's workflow task latencies by workflow type.
 */
export function histogramMeans(before: Map<string, number>, after: Map<string, number>, metric: string, label?: string): Map<string, { n: number; mean: number }> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const [key, value] of after) {
    if (!key.startsWith(`${metric}_`)) continue;
    const part = key.slice(metric.length + 1).split('{')[0];
    if (part !== 'sum' && part !== 'count') continue;
    const by = label ? (new RegExp(`[{,]${label}="([^"]*)"`).exec(key)?.[1] ?? '') : '';
    const entry = sums.get(by) ?? { sum: 0, n: 0 };
    const grown = value - (before.get(key) ?? 0);
    if (part === 'sum') entry.sum += grown;
    else entry.n += grown;
    sums.set(by, entry);
  }
  const out = new Map<string, { n: number; mean: number }>();
  for (const [by, { sum, n }] of sums) if (n > 0) out.set(by, { n, mean: sum / n });
  return out;
}

/** The counters that grew most between two scrapes, matching `pattern`. */
export function metricGrowth(before: Map<string, number>, after: Map<string, number>, pattern: RegExp, limit = 15): string[] {
  const grown: [string, number][] = [];
  for (const [k, v] of after) {
    if (!pattern.test(k) || k.includes('_bucket{')) continue;
    const d = v - (before.get(k) ?? 0);
    if (d > 0) grown.push([k, d]);
  }
  grown.sort((a, b) => b[1] - a[1]);
  return grown.slice(0, limit).map(([k, d]) => `${String(Math.round(d)).padStart(9)}  ${k.length > 170 ? `${k.slice(0, 170)}…` : k}`);
}

/** What a step of calls at an offered rate came to: calls answered per second, their latency (ms), failures. */
export interface StepFigures {
  sustained: number;
  p50: number;
  p95: number;
  p99: number;
  failed: number;
  /** Calls answered. */
  count: number;
  /** The load average when the step ended. */
  load: string;
}

/** Runs `fn` at `rate` calls per second for `seconds`; the calls overlap as they would from many clients. */
export async function atRate<T>(rate: number, seconds: number, fn: (i: number) => Promise<T>): Promise<{ results: PromiseSettledResult<T>[]; elapsedMs: number }> {
  const total = Math.max(1, Math.round(rate * seconds));
  const inflight: Promise<T>[] = [];
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    const wait = start + (k * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(fn(k));
  }
  const results = await Promise.allSettled(inflight);
  return { results, elapsedMs: performance.now() - start };
}

/** Runs `fn` with `concurrency` calls always in flight for `seconds` (a closed loop); returns how many finished. */
export async function closedLoop(concurrency: number, seconds: number, fn: (i: number) => Promise<unknown>): Promise<{ done: number; failed: number; elapsedMs: number; latencies: number[] }> {
  const until = performance.now() + seconds * 1000;
  let next = 0;
  let done = 0;
  let failed = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await fn(next++);
          done++;
          latencies.push(performance.now() - t0);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { done, failed, elapsedMs: performance.now() - start, latencies };
}

/** Workflow tasks a worker has completed on `taskQueue`, from its SDK metrics. */
export async function workflowTasksDone(metricsAddress: string, taskQueue: string): Promise<number> {
  let tasks = 0;
  for (const [k, v] of await scrapeMetrics(metricsAddress)) {
    if (k.startsWith('temporal_workflow_task_execution_latency_count') && k.includes(`task_queue="${taskQueue}"`)) tasks += v;
  }
  return tasks;
}
