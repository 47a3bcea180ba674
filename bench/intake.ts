/**
 * Intake benchmark: voice templates submitted through the tenant API at stepped offered rates, each
 * for `seconds`; per step the sustained rate and the latency from the POST until the 201 has
 * arrived (the row is committed before it is sent) and an immediate GET /api/v1/reviews/{id}
 * finds the review. The last step keeps 64 submissions in flight (a closed loop), as the engine's
 * start-only rate is measured, and gives the most the deployment sustains.
 *
 * `npm run bench` runs it as one part of the whole; on its own, against a deployment that is
 * already running (e.g. `npm run cluster`), with the engine rates measured on that deployment's
 * Temporal server in the same sitting:
 *
 *   BENCH_CLUSTER_STATE=data/cluster/cluster.json npx tsx bench/intake.ts
 *   BENCH_URL=http://127.0.0.1:3000 BENCH_API_KEY=vrd_… BENCH_TEMPORAL_ADDRESS=127.0.0.1:7233 \
 *     [BENCH_TEMPORAL_NAMESPACE=…] [BENCH_DATABASE_URL=postgres://…] npx tsx bench/intake.ts
 *
 * BENCH_DATABASE_URL (the app's database) lets each step wait until the worker has run every
 * submission's automatic check before the next step starts, and says how long that took.
 * BENCH_SHARES=0.25,0.4,0.5,0.8,0.9,1 are the offered rates as shares of the engine's start-only rate;
 * BENCH_STEP_SECONDS=10 the length of each step.
 */
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { connectDatabase, type Database } from '../db/client.js';
import { temporalTarget } from '../runtime/temporal.js';
import { installTemporalRuntime } from '../runtime/temporal-runtime.js';
import { createLogger } from '../runtime/logger.js';
import { measureEngine, type EngineRates } from './engine.js';
import { atRate, closedLoop, loadAverage, machine, percentiles, sleep, type StepFigures } from './support/measure.js';

/** A step of submissions; `count` are those answered 201 and found. */
export interface IntakeStep extends StepFigures {
  /** Offered submissions per second, or the number in flight for the closed loop. */
  offered: number | { inFlight: number };
  /** Seconds after the step until the worker had run every submission's check (undefined: not watched). */
  catchUpSeconds: number | undefined;
}

export const submissionBody = (i: number) =>
  JSON.stringify({ name: `bench_${i}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前到${TXT_8}取件', scenario: 'bench' });

/** One submission, POST until the 201 and (unless `lookAfter` is false) a GET that finds it; returns the milliseconds. */
export function submitter(url: string, apiKey: string, opts: { lookAfter?: boolean } = {}): (i: number) => Promise<number> {
  const auth = { authorization: `Bearer ${apiKey}` };
  return async (i) => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/voice-templates`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: submissionBody(i) });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    if (opts.lookAfter === false) return performance.now() - t0;
    const seen = await fetch(`${url}/api/v1/reviews/${id}`, { headers: auth });
    if (seen.status !== 200) throw new Error(`review ${id} not visible: ${seen.status}`);
    await seen.arrayBuffer();
    return performance.now() - t0;
  };
}

/** Passed automatic checks in all (an index-only count, cheap enough to poll while measuring). */
async function checksPassed(db: Database): Promise<number> {
  const [row] = (await db.sql`select count(*)::int as n from review_events where type = 'precheck_passed'`) as unknown as [{ n: number }];
  return row.n;
}

/**
 * How far the worker has got: its workflow tasks when its metrics can be read (every round runs a
 * first task), else the automatic checks passed (read from the app's database).
 */
type Progress = () => Promise<number>;

/** Waits until the worker has caught up with every submission made here; returns the seconds waited. */
async function workerCaughtUp(progress: Progress | undefined, base: number, submitted: number, timeoutMs = 600_000): Promise<number | undefined> {
  if (!progress) return undefined;
  const t0 = performance.now();
  while ((await progress()) - base < submitted && performance.now() - t0 < timeoutMs) await sleep(500);
  return (performance.now() - t0) / 1000;
}

/** What one step of submissions came to: each latency that succeeded, the failures, and how long it took. */
export interface StepOutcome {
  latencies: number[];
  failed: number;
  firstFailure?: string;
  elapsedMs: number;
}

/** Sends a step of submissions: here, or from the load generator's own process (bench/support/load-process.ts). */
export interface IntakeSender {
  atRate(rate: number, seconds: number, from: number): Promise<StepOutcome>;
  closedLoop(inFlight: number, seconds: number, from: number): Promise<StepOutcome>;
}

/** Submissions sent from the calling process; numbers from `from` on name the templates. */
export function localSender(url: string, apiKey: string): IntakeSender {
  const submit = submitter(url, apiKey);
  return {
    atRate: async (rate, seconds, from) => {
      const { results, elapsedMs } = await atRate(rate, seconds, (i) => submit(from + i));
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      const latencies = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      return { latencies, failed: failures.length, ...(failures[0] ? { firstFailure: String(failures[0].reason) } : {}), elapsedMs };
    },
    closedLoop: async (inFlight, seconds, from) => {
      const loop = await closedLoop(inFlight, seconds, (i) => submit(from + i));
      return { latencies: loop.latencies, failed: loop.failed, elapsedMs: loop.elapsedMs };
    },
  };
}

export async function measureIntake(
  url: string,
  apiKey: string,
  opts: { rates: number[]; seconds: number; inFlight?: number; db?: Database; workflowTasks?: Progress; sender?: IntakeSender; say?: (line: string) => void },
): Promise<IntakeStep[]> {
  const say = opts.say ?? (() => undefined);
  const sender = opts.sender ?? localSender(url, apiKey);
  const warmUp = submitter(url, apiKey);
  let n = 0;
  let made = 0;
  const db = opts.db;
  const progress: Progress | undefined = opts.workflowTasks ?? (db ? () => checksPassed(db) : undefined);
  const base = progress ? await progress() : 0;
  // Warm-up: bundle caches, connection pools, JIT.
  for (let i = 0; i < 40; i++) {
    await warmUp(1_000_000 + i);
    made++;
  }
  await workerCaughtUp(progress, base, made);
  const steps: IntakeStep[] = [];
  const step = async (offered: IntakeStep['offered'], out: StepOutcome) => {
    // Every submission sent was numbered, answered or not.
    n += out.latencies.length + out.failed;
    made += out.latencies.length;
    if (out.firstFailure) say(`  first failure: ${out.firstFailure}`);
    const p = percentiles(out.latencies);
    const load = loadAverage();
    const catchUpSeconds = await workerCaughtUp(progress, base, made);
    const sustained = (out.latencies.length / out.elapsedMs) * 1000;
    steps.push({ offered, sustained, count: out.latencies.length, p50: p.p50, p95: p.p95, p99: p.p99, failed: out.failed, catchUpSeconds, load });
    const what = typeof offered === 'number' ? `offered ${offered.toFixed(1)}/s` : `${offered.inFlight} in flight`;
    say(`  ${what}: ${out.latencies.length} ok, ${out.failed} failed, sustained ${sustained.toFixed(1)}/s, p95 ${p.p95.toFixed(0)} ms (load ${load})`);
  };
  for (const rate of opts.rates) await step(rate, await sender.atRate(rate, opts.seconds, n));
  const inFlight = opts.inFlight ?? 64;
  await step({ inFlight }, await sender.closedLoop(inFlight, opts.seconds, n));
  return steps;
}

/** The offered rates as shares of the engine's start-only rate (BENCH_SHARES). */
export function intakeRates(engine: EngineRates): { shares: number[]; rates: number[] } {
  if (process.env.BENCH_INTAKE_RATES) {
    const rates = process.env.BENCH_INTAKE_RATES.split(',').map(Number);
    return { rates, shares: rates.map((r) => Number((r / engine.startOnlyMedian).toFixed(2))) };
  }
  const shares = (process.env.BENCH_SHARES ?? '0.25,0.4,0.5,0.8,0.9,1').split(',').map(Number);
  return { shares, rates: shares.map((s) => Math.max(1, Math.round(s * engine.startOnlyMedian))) };
}

export function intakeTable(steps: IntakeStep[], engine: EngineRates): string[] {
  const lines = [
    '| offered | sustained/s | × engine start-only | p50 ms | p95 ms | p99 ms | failed | worker caught up after | load average |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of steps) {
    const offered = typeof s.offered === 'number' ? `${s.offered}/s (${(s.offered / engine.startOnlyMedian).toFixed(2)} × engine)` : `${s.offered.inFlight} in flight`;
    lines.push(
      `| ${offered} | ${s.sustained.toFixed(1)} | ${(s.sustained / engine.startOnlyMedian).toFixed(2)} | ${s.p50.toFixed(0)} | ${s.p95.toFixed(0)} | ${s.p99.toFixed(0)} | ${s.failed} | ${s.catchUpSeconds === undefined ? '–' : `${s.catchUpSeconds.toFixed(1)} s`} | ${s.load} |`,
    );
  }
  return lines;
}

export function engineLine(engine: EngineRates): string {
  return (
    `engine (same server, same sitting, ${engine.inFlight} in flight, ${engine.seconds} s × ${engine.startOnly.length}): ` +
    `start-only ${engine.startOnly.map((r) => r.toFixed(0)).join(' / ')} → median ${engine.startOnlyMedian.toFixed(1)}/s ` +
    `(worker caught up ${engine.drainSeconds.map((d) => d.toFixed(1)).join(' / ')} s after), ` +
    `start-and-complete ${engine.startComplete.map((r) => r.toFixed(0)).join(' / ')} → median ${engine.startCompleteMedian.toFixed(1)}/s; load ${engine.load}`
  );
}

/** A running deployment named by the environment, or by the state file `npm run cluster` writes. */
async function externalTarget() {
  const stateFile = process.env.BENCH_CLUSTER_STATE;
  if (stateFile) {
    const s = JSON.parse(await fs.readFile(stateFile, 'utf8')) as { url: string; tenant: { apiKey: string }; databaseUrl?: string; temporal: { address: string }; namespace: string };
    return { url: s.url.replace(/\/+$/, ''), apiKey: s.tenant.apiKey, databaseUrl: s.databaseUrl, temporalAddress: s.temporal.address, namespace: s.namespace };
  }
  const url = process.env.BENCH_URL;
  const apiKey = process.env.BENCH_API_KEY;
  const temporalAddress = process.env.BENCH_TEMPORAL_ADDRESS;
  if (!url || !apiKey || !temporalAddress) {
    throw new Error(
      'bench/intake.ts on its own measures a running deployment: set BENCH_CLUSTER_STATE (the cluster.json `npm run cluster` writes), ' +
        'or BENCH_URL, BENCH_API_KEY and BENCH_TEMPORAL_ADDRESS (its Temporal frontend, for the engine rates); `npm run bench` measures an embedded one',
    );
  }
  if (!/^https?:\/\//.test(url)) throw new Error(`BENCH_URL must be an http:// or https:// URL, got ${url}`);
  return { url: url.replace(/\/+$/, ''), apiKey, databaseUrl: process.env.BENCH_DATABASE_URL || undefined, temporalAddress, namespace: process.env.BENCH_TEMPORAL_NAMESPACE ?? 'default' };
}

async function main(): Promise<void> {
  const target = await externalTarget();
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  installTemporalRuntime(createLogger('warn', 'bench'));
  const db = target.databaseUrl ? connectDatabase(target.databaseUrl, { max: 2 }) : undefined;
  try {
    const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 10);
    say(`engine rates on ${target.temporalAddress} (namespace ${target.namespace})…`);
    const engine = await measureEngine(temporalTarget({}, { address: target.temporalAddress, namespace: target.namespace }), { log: say });
    const { rates } = intakeRates(engine);
    say(`intake against ${target.url} at ${rates.join(', ')}/s, then 64 in flight…`);
    const steps = await measureIntake(target.url, target.apiKey, { rates, seconds, db, say });
    const out = [`Machine: ${machine()}`, `Intake against ${target.url}, ${seconds} s per step`, engineLine(engine), '', ...intakeTable(steps, engine)];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await db?.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
