/**
 * What one unit of work costs, measured on its own at a rate far below saturation so nothing queues:
 * CPU milliseconds in Node (this process, with the web server and the load generator, plus the app's
 * worker process; `npm run bench` runs them as `npm start` does), in PostgreSQL and in the Temporal
 * server, and PostgreSQL statements, per
 *
 * - engine start: the engine's own workflow started and parked on its timer (its worker in this
 *   process too), the reference a submission is read against;
 * - lifecycle start: the app's own review lifecycle started through the app's Temporal door from
 *   this process, with the arguments and search attributes intake gives it, run by the app's worker
 *   until it parks, with no HTTP and no database: what a submission asks of the engine with the
 *   app's workflow, so a submission splits into the engine's start, the app's workflow above it, and
 *   intake's own work (HTTP, validation, the transaction) above that;
 * - submission: a voice template through the tenant API, until its round has run its first
 *   workflow task (the automatic check, where the worker runs it) and parked;
 * - decision: a back-office decision POST (the Update, the decision's transaction, the panel) on
 *   a tenant with no contacts, so no notice is written; notices have a part of their own.
 *
 * Each unit is measured in three windows of a third of its count, and each figure is their median.
 * The engine, lifecycle and submission windows take turns, so the submission's ratio to the engine
 * can be read window by window, each pair measured seconds apart on the same machine. Before each
 * window the machine is sampled idle for two seconds, and the median of those samples (what the app
 * does by itself: the notice dispatcher's poll, the sweeper, the engine's idle worker) is taken out
 * of every window. The statements each unit ran, by calls, go to the profile.
 *
 * Part of `npm run bench` (bench/run.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import inspector from 'node:inspector';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureTenantWithKey } from '../db/tenants.js';
import { KINDS } from '../domain/kinds/index.js';
import { ReviewClient } from '../temporal/review-client.js';
import { BackOfficeSession, formToken } from '../test/support/back-office.js';
import { pendingReviews } from './decisions.js';
import { startEngineWorker } from './engine.js';
import { submissionBody, submitter } from './intake.js';
import { startLoadProcess, type LoadProcess, type LoadRequest } from './support/load-process.js';
import { atRate, cpuSample, loadAverage, median, resetStatements, sleep, type CpuSample } from './support/measure.js';
import type { App, Stack } from './support/stack.js';

export interface UnitCost {
  n: number;
  /** The app's Node processes: this one (the web server) and the app's worker; not the load generator. */
  nodeMs: number;
  /** The load generator's process (the tenants' and reviewers' HTTP clients): not the app's, shown apart. */
  loadMs: number;
  /** Of nodeMs, the app's worker process (0 when it runs in this one). */
  workerMs: number;
  postgresMs: number;
  temporalMs: number;
  /** PostgreSQL statements sent per unit (undefined without pg_stat_statements). */
  statements: number | undefined;
  /** The statements behind that figure, most called first, per unit. */
  breakdown: string[];
  /** Node CPU per unit in each window; the figures above are the windows' medians. */
  windows: number[];
}

export interface CostFigures {
  engine: UnitCost;
  lifecycle: UnitCost;
  submission: UnitCost;
  decision: UnitCost;
  load: string;
}

/**
 * What runs per second with no unit running: the app by itself, and in the bench's process the engine's idle
 * worker. The load generator's process is not sampled: its CPU is shown apart and never counted as the app's.
 */
interface Idle {
  node: number;
  worker: number;
  postgres: number;
  temporal: number;
  statements: number;
}

const pidsOf = (stack: Stack, app: App, load?: LoadProcess) => ({ postgres: stack.pg.pid, temporal: stack.dev.pid, worker: app.worker.pid, load: load?.pid });

async function idleFor(stack: Stack, app: App, seconds: number): Promise<Idle> {
  await resetStatements(stack.db, stack.statements);
  const a = await cpuSample(pidsOf(stack, app));
  await sleep(seconds * 1000);
  const b = await cpuSample(pidsOf(stack, app));
  const calls = (await sentStatements(stack)) ?? 0;
  const s = (b.at - a.at) / 1000;
  return { node: (b.node - a.node) / s, worker: (b.worker - a.worker) / s, postgres: (b.postgres - a.postgres) / s, temporal: (b.temporal - a.temporal) / s, statements: calls / s };
}

const medianIdle = (xs: Idle[]): Idle => ({
  node: median(xs.map((x) => x.node)),
  worker: median(xs.map((x) => x.worker)),
  postgres: median(xs.map((x) => x.postgres)),
  temporal: median(xs.map((x) => x.temporal)),
  statements: median(xs.map((x) => x.statements)),
});

/** Statements by calls since the last reset, per unit, ignoring the bench's own reads. */
async function breakdown(stack: Stack, n: number): Promise<string[]> {
  if (!stack.statements) return [];
  const rows = (await stack.db.sql`
    select calls::int, toplevel and not ${byTrigger(stack.db.sql)} as sent, left(regexp_replace(query, '\\s+', ' ', 'g'), 150) as query
    from pg_stat_statements s
    where query not ilike '%pg_stat_statements%' and query not ilike '%precheck_passed%' and calls >= ${Math.max(1, Math.floor(n / 10))}
    order by 2 desc, calls desc limit 40`) as unknown as { calls: number; sent: boolean; query: string }[];
  return rows.map((r) => `${(r.calls / n).toFixed(2).padStart(6)} per unit ${r.sent ? 'sent  ' : 'nested'}  ${r.query}`);
}

/**
 * A statement a trigger function ran. Deferred triggers (the open-review counts) run at commit, where
 * pg_stat_statements counts them as top level, though no client sent them.
 */
const byTrigger = (sql: Stack['db']['sql']) =>
  sql`exists (select 1 from pg_proc p where p.prorettype = 'trigger'::regtype and position(left(s.query, 60) in p.prosrc) > 0)`;

/** Statements a client sent since the last reset (not those a trigger or a foreign key check ran). */
async function sentStatements(stack: Stack): Promise<number | undefined> {
  if (!stack.statements) return undefined;
  const [row] = (await stack.db.sql`
    select coalesce(sum(calls), 0)::float as calls from pg_stat_statements s
    where toplevel and not ${byTrigger(stack.db.sql)} and query not ilike '%pg_stat_statements%' and query not ilike '%precheck_passed%'`) as unknown as [{ calls: number }];
  return row.calls;
}

/**
 * With BENCH_CPU_PROFILE=1, a V8 CPU profile of this process over the window (the web server; with
 * BENCH_WORKER=in-process the worker too), written to data/bench/cost-<name>-<window>.cpuprofile;
 * bench/support/profile-summary.ts prints its top frames.
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (process.env.BENCH_CPU_PROFILE !== '1') return fn();
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    const dir = path.resolve('data', 'bench');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, `cost-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** One window's figures, per unit. */
type WindowCost = Omit<UnitCost, 'windows'>;

/** What one window used in all, before the idle baseline is taken out. */
interface RawWindow {
  n: number;
  seconds: number;
  used: { node: number; worker: number; postgres: number; temporal: number; load: number };
  calls: number | undefined;
  breakdown: string[];
}

/**
 * One window, after a second for the previous one's tail and an idle sample of two seconds just
 * before it (the baseline is the median of all the part's idle samples: see `measuredInWindows`).
 */
async function measured(stack: Stack, app: App, idles: Idle[], n: number, name: string, fn: () => Promise<void>, load?: LoadProcess): Promise<RawWindow> {
  await sleep(1000);
  idles.push(await idleFor(stack, app, 2));
  await resetStatements(stack.db, stack.statements);
  const a: CpuSample = await cpuSample(pidsOf(stack, app, load));
  await profiled(name, fn);
  const b = await cpuSample(pidsOf(stack, app, load));
  return {
    n,
    seconds: (b.at - a.at) / 1000,
    used: { node: b.node - a.node, worker: b.worker - a.worker, postgres: b.postgres - a.postgres, temporal: b.temporal - a.temporal, load: b.load - a.load },
    calls: await sentStatements(stack),
    breakdown: await breakdown(stack, n),
  };
}

function perUnit(w: RawWindow, idle: Idle): WindowCost {
  const per = (x: number, idlePerSecond: number) => Math.max(0, x - idlePerSecond * w.seconds) / w.n;
  const workerMs = per(w.used.worker, idle.worker);
  return {
    n: w.n,
    nodeMs: per(w.used.node, idle.node) + workerMs,
    workerMs,
    loadMs: w.used.load / w.n,
    postgresMs: per(w.used.postgres, idle.postgres),
    temporalMs: per(w.used.temporal, idle.temporal),
    statements: w.calls === undefined ? undefined : per(w.calls, idle.statements),
    breakdown: w.breakdown,
  };
}

/** Each unit's cost is measured in this many windows, and the median taken. */
const WINDOWS = 3;

/** One kind of unit to measure: `run(from, count)` does units from..from+count. */
interface UnitPlan {
  name: string;
  n: number;
  run: (from: number, count: number) => Promise<void>;
  load?: LoadProcess;
}

/**
 * Each plan's `n` units in WINDOWS windows, the plans taking turns window by window (engine,
 * lifecycle, submission, engine, …), each window measured on its own; each figure is its windows'
 * median. A burst of background work (a server's compaction, a collection) then moves one window,
 * not the result, and a drift of the machine over the part (another tenant of the host, the
 * processes' heaps growing) meets every unit alike, so a window's units can be read against each
 * other (`ratioOfWindows`). What runs with no unit running (the notice dispatcher's poll, the
 * sweeper, the engine's idle worker, the SDK's own timers) is sampled for two seconds before every
 * window into `idles`; `measureCost` takes the median of all the part's samples out of each window.
 */
async function measuredInWindows(stack: Stack, app: App, plans: UnitPlan[], idles: Idle[]): Promise<RawWindow[][]> {
  const raw: RawWindow[][] = plans.map(() => []);
  const from = plans.map(() => 0);
  for (let w = 0; w < WINDOWS; w++) {
    for (const [i, p] of plans.entries()) {
      const count = Math.round((p.n * (w + 1)) / WINDOWS) - from[i]!;
      const start = from[i]!;
      raw[i]!.push(await measured(stack, app, idles, count, `${p.name}-${w + 1}`, () => p.run(start, count), p.load));
      from[i]! += count;
    }
  }
  return raw;
}

function ofWindows(n: number, costs: WindowCost[]): UnitCost {
  const mid = [...costs].sort((a, b) => a.nodeMs - b.nodeMs)[Math.floor(costs.length / 2)]!;
  const statements = costs.map((c) => c.statements);
  return {
    n,
    nodeMs: median(costs.map((c) => c.nodeMs)),
    workerMs: median(costs.map((c) => c.workerMs)),
    loadMs: median(costs.map((c) => c.loadMs)),
    postgresMs: median(costs.map((c) => c.postgresMs)),
    temporalMs: median(costs.map((c) => c.temporalMs)),
    statements: statements.every((x) => x !== undefined) ? median(statements as number[]) : undefined,
    breakdown: mid.breakdown,
    windows: costs.map((c) => c.nodeMs),
  };
}

/** Node CPU of `a` over `b` in each window the two shared (their turns came one after the other). */
export const ratioOfWindows = (a: UnitCost, b: UnitCost): number[] => a.windows.map((x, w) => x / (b.windows[w] ?? NaN));

export async function measureCost(stack: Stack, app: App, opts: { count?: number; rate?: number; say?: (line: string) => void } = {}): Promise<CostFigures> {
  const say = opts.say ?? (() => undefined);
  const n = opts.count ?? 300;
  const rate = opts.rate ?? 20;
  const engine = await startEngineWorker(stack.temporal);
  const load = await startLoadProcess();
  try {
    for (let i = 0; i < 40; i++) await engine.start();
    await engine.drained();
    const enginePlan: UnitPlan = {
      name: 'engine',
      n,
      run: async (_from, count) => {
        await atRate(rate, count / rate, () => engine.start());
        await engine.drained();
      },
    };
    const lifecyclePlan = await lifecycleStarts(stack, app, n, rate);
    const submissionPlan = await submissions(app, load, n, rate);
    const idles: Idle[] = [];
    const starts = await measuredInWindows(stack, app, [enginePlan, lifecyclePlan, submissionPlan], idles);
    await engine.stop();
    // Decisions at 5/s: more than 300 would make the part long for a figure that is mostly statements.
    const [decisionWindows] = await measuredInWindows(stack, app, [await decisions(stack, app, load, Math.min(n, 300))], idles);
    // One baseline for the whole part: a sample can catch the tail of the window before it (a
    // collection, the last workflow task), and the median of a dozen is not moved by a few of those.
    const idle = medianIdle(idles);
    const range = (f: (x: Idle) => number) => `${Math.min(...idles.map(f)).toFixed(1)}-${Math.max(...idles.map(f)).toFixed(1)}`;
    say(
      `  idle per second, the median of ${idles.length} samples of 2 s, one before each window (their range): node ${idle.node.toFixed(1)} (${range((x) => x.node)}) ms, ` +
        `worker ${idle.worker.toFixed(1)} (${range((x) => x.worker)}) ms, postgres ${idle.postgres.toFixed(1)} ms, temporal ${idle.temporal.toFixed(1)} (${range((x) => x.temporal)}) ms, ${idle.statements.toFixed(1)} statements`,
    );
    const cost = (windows: RawWindow[], units: number) => ofWindows(units, windows.map((w) => perUnit(w, idle)));
    return {
      engine: cost(starts[0]!, enginePlan.n),
      lifecycle: cost(starts[1]!, lifecyclePlan.n),
      submission: cost(starts[2]!, submissionPlan.n),
      decision: cost(decisionWindows!, decisionWindows!.reduce((k, w) => k + w.n, 0)),
      load: loadAverage(),
    };
  } finally {
    await engine.stop();
    await load.stop();
  }
}

/** Voice templates through the tenant API, sent by the load generator, until each round has parked. */
async function submissions(app: App, load: LoadProcess, n: number, rate: number): Promise<UnitPlan> {
  const submit = submitter(app.web.url, app.apiKey, { lookAfter: false });
  const base = await app.worker.tasksDone();
  for (let i = 0; i < 40; i++) await submit(2_000_000 + i);
  while ((await app.worker.tasksDone()) - base < 40) await sleep(100);
  const requests: LoadRequest[] = Array.from({ length: n }, (_, i) => ({
    url: `${app.web.url}/api/v1/voice-templates`,
    method: 'POST',
    headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
    body: submissionBody(3_000_000 + i),
    expect: 201,
  }));
  return {
    name: 'submission',
    n,
    load,
    run: async (from, count) => {
      // Tasks counted from the window's start: the lifecycle windows between run tasks of the same worker.
      const before = await app.worker.tasksDone();
      const done = await load.run(rate, requests.slice(from, from + count));
      if (done.failed > 0) throw new Error(`${done.failed} submissions failed, the first: ${done.firstFailure}`);
      const until = performance.now() + 300_000;
      while ((await app.worker.tasksDone()) - before < count && performance.now() < until) await sleep(100);
    },
  };
}

/** Back-office decision POSTs (as htmx sends them), sent by the load generator from a reviewer's session. */
async function decisions(stack: Stack, app: App, load: LoadProcess, n: number): Promise<UnitPlan> {
  // A tenant nobody is subscribed for: the decision writes no notice.
  const quiet = await ensureTenantWithKey(stack.db.db, 'bench quiet tenant', `vrd_bench_${randomBytes(16).toString('hex')}`);
  const ids = await pendingReviews(stack, app, quiet, n + 10);
  const session = new BackOfficeSession(app.web.url);
  await session.login(app.reviewer.email, app.reviewer.password);
  const forms: { id: string; token: string; round: string }[] = [];
  for (const id of ids) {
    const page = await session.get(`/reviews/${id}`);
    forms.push({ id, token: formToken(page.html), round: /name="round" value="(\d+)"/.exec(page.html)?.[1] ?? '1' });
  }
  const decide = async (f: { id: string; token: string; round: string }) => {
    const res = await session.post(`/reviews/${f.id}/decision`, { round: f.round, token: f.token, outcome: 'approved' }, { 'HX-Request': 'true' });
    if (res.status !== 200) throw new Error(`decision answered ${res.status}`);
  };
  for (const f of forms.slice(0, 10)) await decide(f);
  const requests: LoadRequest[] = forms.slice(10).map((f) => ({
    url: `${app.web.url}/reviews/${f.id}/decision`,
    method: 'POST',
    headers: { cookie: session.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: new URL(app.web.url).origin, 'HX-Request': 'true' },
    body: new URLSearchParams({ _csrf: session.csrf, round: f.round, token: f.token, outcome: 'approved' }).toString(),
    expect: 200,
  }));
  return {
    name: 'decision',
    n: requests.length,
    load,
    run: async (from, count) => {
      const done = await load.run(5, requests.slice(from, from + count));
      if (done.failed > 0) throw new Error(`${done.failed} decisions failed, the first: ${done.firstFailure}`);
      // What the workflow does after the Update has answered (its last task) belongs to the decision.
      await sleep(2000);
    },
  };
}

/**
 * The app's review lifecycle started as intake starts it once its check has passed (the same door,
 * arguments and search attributes), for reviews that exist only in Temporal: the round parks on its
 * timers, due in 30 days, and is never decided.
 */
async function lifecycleStarts(stack: Stack, app: App, n: number, rate: number): Promise<UnitPlan> {
  const door = new ReviewClient(stack.client, app.config.temporal.taskQueue);
  const stages = { ...KINDS.voice_template.stages, precheck: false };
  const start = (i: number) => {
    const now = Date.now();
    return door.startRound({
      reviewId: randomUUID(),
      tenantId: app.tenant.id,
      kind: 'voice_template',
      round: 1,
      submittedAt: new Date(now).toISOString(),
      dueAt: new Date(now + 30 * 86_400_000).toISOString(),
      atRiskAt: new Date(now + 29 * 86_400_000 + i).toISOString(),
      assigneeId: null,
      stages,
    });
  };
  const parkedAll = async (from: number, count: number) => {
    const until = performance.now() + 300_000;
    while ((await app.worker.tasksDone()) - from < count && performance.now() < until) await sleep(100);
  };
  const base = await app.worker.tasksDone();
  for (let i = 0; i < 40; i++) await start(i);
  await parkedAll(base, 40);
  return {
    name: 'lifecycle',
    n,
    run: async (from, count) => {
      const before = await app.worker.tasksDone();
      await atRate(rate, count / rate, (i) => start(from + i));
      await parkedAll(before, count);
    },
  };
}
