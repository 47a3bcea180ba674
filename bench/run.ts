/**
 * `npm run bench`: every benchmark on one embedded stack (PostgreSQL with pg_stat_statements, the
 * Temporal dev server, web and worker as `npm start` runs them: the web server here with the load
 * generator, the worker in a process of its own; BENCH_WORKER=in-process puts it here too), with the engine's
 * own rates measured on the same Temporal server in the same run, printed as ONE table in which
 * each app rate also stands as a share of the engine's.
 *
 * Evidence for each part (CPU time of this process, the worker's, PostgreSQL and the Temporal server; the
 * costliest statements; Temporal's counters that grew most) goes to stderr and to
 * BENCH_PROFILE_FILE (default data/bench/profile-<time>.txt).
 *
 *   npm run bench
 *   BENCH_ONLY=engine,intake npm run bench        (parts: engine, cost, intake, decisions, notices, queue, memory, deadlines, unsubscribe, insight)
 *   BENCH_MEMORY_REVIEWS=100000 BENCH_QUEUE_REVIEWS=100000 BENCH_STEP_SECONDS=10 BENCH_ENGINE_REPEATS=3 npm run bench
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { measureEngine, measureEngineAtRates, type EngineAtRate, type EngineRates } from './engine.js';
import { engineLine, intakeRates, measureIntake, type IntakeStep } from './intake.js';
import { measureDecisions, type DecisionFigures } from './decisions.js';
import { measureNotices, type NoticeFigures } from './notify.js';
import { measureQueue, type QueueFigures } from './queue.js';
import { measureMemory, type MemoryFigures } from './memory.js';
import { measureCost, ratioOfWindows, type CostFigures, type UnitCost } from './cost.js';
import { startApp, startStack, type App, type Stack } from './support/stack.js';
import { startLoadProcess } from './support/load-process.js';
import { cpuBetween, cpuSample, loadAverage, machine, median, metricGrowth, resetStatements, scrapeMetrics, statementTotals, topStatements } from './support/measure.js';
import { deadlineFigures } from './deadlines.js';
import { unsubscribeFigures } from './unsubscribe.js';
import { insightFigures } from './insight.js';

const PARTS = ['engine', 'cost', 'intake', 'decisions', 'notices', 'queue', 'memory', 'deadlines', 'unsubscribe', 'insight'] as const;
type Part = (typeof PARTS)[number];
const only = new Set((process.env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((s) => s.trim()) as Part[]);
for (const p of only) if (!PARTS.includes(p)) throw new Error(`BENCH_ONLY: unknown part "${p}" (parts: ${PARTS.join(', ')})`);

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
};
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 10);
const ENGINE_REPEATS = num('BENCH_ENGINE_REPEATS', 3);
const QUEUE_REVIEWS = num('BENCH_QUEUE_REVIEWS', 100_000);
const MEMORY_REVIEWS = num('BENCH_MEMORY_REVIEWS', 20_000);
const MEMORY_MINUTES = num('BENCH_MEMORY_MINUTES', 30);
const MEMORY_CACHE = process.env.BENCH_MEMORY_CACHE ? num('BENCH_MEMORY_CACHE', 1000) : undefined;
const DECISION_RATE = num('BENCH_DECISION_RATE', 5);
const COST_UNITS = num('BENCH_COST_UNITS', 300);
const NOTICE_RATE = num('BENCH_NOTICE_RATE', 20);

/** One row of the table. */
interface Row {
  bench: string;
  figure: string;
  value: string;
  goal: string;
  engine: string;
  ratio: string;
  met: '✓' | '✗' | '';
  load: string;
}

const rows: Row[] = [];
const profile: string[] = [];
const say = (line: string) => {
  process.stderr.write(`${line}\n`);
  profile.push(line);
};

const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 1 : 0)}` : '–');
const rate = (x: number) => `${x.toFixed(1)}/s`;
const mark = (ok: boolean): '✓' | '✗' => (ok ? '✓' : '✗');

/** The app's worker process, once the app runs with one: its CPU and counters are shown in every part. */
let appWorkerPid: number | undefined;
let appWorkerMetrics: string | undefined;

/** Runs one part with its evidence: CPU per process, costliest statements, Temporal's counters. */
async function part<T>(stack: Stack, name: string, fn: () => Promise<T>, per?: (t: T) => number): Promise<T> {
  say(`\n== ${name} (load ${loadAverage()})`);
  await resetStatements(stack.db, stack.statements);
  const serverBefore = await scrapeMetrics(stack.dev.metricsAddress);
  const sdkAddresses = [stack.sdkMetricsAddress, ...(appWorkerMetrics && appWorkerMetrics !== stack.sdkMetricsAddress ? [appWorkerMetrics] : [])];
  const sdkBefore = await Promise.all(sdkAddresses.map(scrapeMetrics));
  const pids = { postgres: stack.pg.pid, temporal: stack.dev.pid, worker: appWorkerPid };
  const cpu0 = await cpuSample(pids);
  const result = await fn();
  const cpu1 = await cpuSample(pids);
  const units = per?.(result);
  say(`-- ${name}: CPU ${cpuBetween(cpu0, cpu1)}${units ? `; per unit (${units}): ${cpuBetween(cpu0, cpu1, units)}` : ''}`);
  const totals = await statementTotals(stack.db, stack.statements);
  if (totals) say(`-- ${name}: ${Math.round(totals.calls)} statements, ${Math.round(totals.ms)} ms executing${units ? ` (${(totals.calls / units).toFixed(1)} statements, ${(totals.ms / units).toFixed(2)} ms per unit)` : ''}`);
  say(`-- ${name}: costliest statements`);
  for (const l of await topStatements(stack.db, stack.statements)) say(`   ${l}`);
  const serverAfter = await scrapeMetrics(stack.dev.metricsAddress);
  say(`-- ${name}: Temporal server, requests that grew most`);
  for (const l of metricGrowth(serverBefore, serverAfter, /^(service_requests|persistence_requests)\{/)) say(`   ${l}`);
  const sdkAfter = await Promise.all(sdkAddresses.map(scrapeMetrics));
  for (const [i, address] of sdkAddresses.entries()) {
    say(`-- ${name}: SDK counters that grew most in ${address === stack.sdkMetricsAddress ? 'this process' : "the app's worker process"}`);
    for (const l of metricGrowth(sdkBefore[i]!, sdkAfter[i]!, /^temporal_(workflow_task|activity|request|long_request|sticky|workflow_completed|num_pollers)[a-z_]*(_count|_total)?\{/, 12)) say(`   ${l}`);
  }
  return result;
}

function engineRows(e: EngineRates): void {
  rows.push({
    bench: 'engine',
    figure: `workflow starts, each parking on a timer (${e.inFlight} in flight, ${e.seconds} s × ${e.startOnly.length})`,
    value: `${rate(e.startOnlyMedian)} (runs ${e.startOnly.map((r) => r.toFixed(0)).join(' / ')}; start p50 ${ms(e.startLatency.p50)} / p95 ${ms(e.startLatency.p95)} ms; worker caught up ${e.drainSeconds.map((d) => d.toFixed(0)).join(' / ')} s after)`,
    goal: '',
    engine: '',
    ratio: '1.00',
    met: '',
    load: e.load.split(' / ').at(-1) ?? '',
  });
  rows.push({
    bench: 'engine',
    figure: `trivial workflow started and completed (${e.inFlight} in flight)`,
    value: `${rate(e.startCompleteMedian)} (runs ${e.startComplete.map((r) => r.toFixed(0)).join(' / ')})`,
    goal: '',
    engine: '',
    ratio: '1.00',
    met: '',
    load: e.load.split(' / ').at(-1) ?? '',
  });
}

function intakeRowsOf(steps: IntakeStep[], e: EngineRates, shares: number[], own: EngineAtRate[]): void {
  const engine = rate(e.startOnlyMedian);
  const best = Math.max(...steps.map((s) => s.sustained));
  steps.forEach((s, i) => {
    const share = shares[i];
    const at40 = share === 0.4;
    const loop = typeof s.offered === 'number' ? undefined : s.offered.inFlight;
    rows.push({
      bench: 'intake',
      figure: loop ? `submit → visible, ${loop} in flight (most sustained)` : `submit → visible at ${String(s.offered)}/s offered (${share} × engine start-only)`,
      value: `sustained ${rate(s.sustained)}; p50 ${ms(s.p50)} / p95 ${ms(s.p95)} / p99 ${ms(s.p99)} ms; ${s.failed} failed${s.catchUpSeconds !== undefined ? `; worker caught up ${s.catchUpSeconds.toFixed(0)} s after` : ''}${engineSame(own, s.offered)}`,
      goal: at40 ? 'p95 < 150 ms' : loop ? 'the most sustained at any step ≥ 0.6 × engine' : '',
      engine,
      ratio: (s.sustained / e.startOnlyMedian).toFixed(2),
      met: at40 ? mark(s.p95 < 150 && s.failed === 0) : loop ? mark(best >= 0.6 * e.startOnlyMedian) : '',
      load: s.load,
    });
  });
}

/** The engine's own start at the same offered rate as an intake step, when it was measured. */
function engineSame(own: EngineAtRate[], offered: IntakeStep['offered']): string {
  const o = typeof offered === 'number' ? own.find((x) => x.offered === offered) : undefined;
  return o ? `; the engine's own start at the same rate: p50 ${ms(o.p50)} / p95 ${ms(o.p95)} ms` : '';
}

function engineAtRateRows(own: EngineAtRate[], e: EngineRates): void {
  for (const o of own) {
    rows.push({
      bench: 'engine',
      figure: `workflow starts, each parking on a timer, at ${o.offered}/s offered (an intake step's rate; ${STEP_SECONDS} s, its worker running)`,
      value: `sustained ${rate(o.sustained)}; p50 ${ms(o.p50)} / p95 ${ms(o.p95)} / p99 ${ms(o.p99)} ms; ${o.failed} failed; worker caught up ${o.drainSeconds.toFixed(0)} s after`,
      goal: '',
      engine: rate(e.startOnlyMedian),
      ratio: (o.offered / e.startOnlyMedian).toFixed(2),
      met: '',
      load: o.load,
    });
  }
}

function decisionRows(d: DecisionFigures, e: EngineRates | undefined): void {
  rows.push({
    bench: 'decisions',
    figure: `back-office decision POST (Update round trip + panel), ${d.rate}/s for ${d.decisions + d.failed} decisions`,
    value: `p50 ${ms(d.post.p50)} / p95 ${ms(d.post.p95)} / p99 ${ms(d.post.p99)} ms; ${d.failed} failed`,
    goal: 'p95 < 300 ms',
    engine: e ? rate(e.startCompleteMedian) : '',
    ratio: e ? (d.rate / e.startCompleteMedian).toFixed(2) : '',
    met: mark(d.post.p95 < 300 && d.failed === 0),
    load: d.load,
  });
  rows.push({ bench: 'decisions', figure: 'review page GET before each decision', value: `p50 ${ms(d.page.p50)} / p95 ${ms(d.page.p95)} ms`, goal: '', engine: '', ratio: '', met: '', load: d.load });
}

function noticeRows(n: NoticeFigures, e: EngineRates | undefined): void {
  rows.push({
    bench: 'notices',
    figure: `decision → handed to SMTP / SMS gateway, ${n.rate} decisions/s (${n.decisions} decisions, ${n.expected} notices)`,
    value: `p50 ${ms(n.all.p50)} / p95 ${ms(n.all.p95)} / p99 ${ms(n.all.p99)} ms (e-mail p95 ${ms(n.email.p95)}, SMS p95 ${ms(n.sms.p95)}); ${n.sent} sent, ${n.failed} failed; ${rate(n.throughput)} notices`,
    goal: 'p95 < 1,000 ms',
    engine: e ? rate(e.startCompleteMedian) : '',
    ratio: e ? (n.throughput / e.startCompleteMedian).toFixed(2) : '',
    met: mark(n.all.p95 < 1000 && n.sent === n.expected),
    load: n.load,
  });
  const seg = (p: { p50: number; p95: number }) => `p50 ${ms(p.p50)} / p95 ${ms(p.p95)} ms`;
  rows.push({
    bench: 'notices',
    figure: 'where that time goes: decision → outbox row committed; → handed to a delivery workflow; → sent',
    value: `${seg(n.segments.written)}; ${seg(n.segments.dispatched)}; ${seg(n.segments.sent)}`,
    goal: '',
    engine: '',
    ratio: '',
    met: '',
    load: n.load,
  });
  const c = n.cpuPerDecision;
  const list = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(', ');
  rows.push({
    bench: 'notices',
    figure: "what each step costs: CPU per decision with its two notices, by process; the worker's workflow tasks (mean wait to be picked up, mean run by workflow type) and local activities (mean ms)",
    value: `${appWorkerPid === undefined ? `web, worker and load generator ${ms(c.web)} ms` : `web and load generator ${ms(c.web)} ms, worker ${ms(c.worker)} ms`}, Temporal server ${ms(c.temporal)} ms, PostgreSQL ${ms(c.postgres)} ms; task wait ${ms(n.worker.taskWaitMs)} ms; task run ${list(n.worker.taskRunMs)} ms; local activities ${list(n.worker.localActivityMs)} ms`,
    goal: '',
    engine: '',
    ratio: '',
    met: '',
    load: n.load,
  });
}

function costRows(c: CostFigures): void {
  const cpu = (u: UnitCost) =>
    `Node ${ms(u.nodeMs)} ms${u.workerMs > 0 ? ` (worker process ${ms(u.workerMs)})` : ''}${u.windows.length > 1 ? ` [the median of ${u.windows.map(ms).join(' / ')}]` : ''}, Temporal server ${ms(u.temporalMs)} ms, PostgreSQL ${ms(u.postgresMs)} ms of CPU${u.loadMs > 0 ? `; the load generator's process ${ms(u.loadMs)} ms, not counted` : ''}`;
  const st = (u: UnitCost) => (u.statements === undefined ? 'statements not counted (no pg_stat_statements)' : `${u.statements.toFixed(1)} statements`);
  const e = c.engine;
  rows.push({ bench: 'cost', figure: `per engine start (its own workflow, parked on a timer; ${e.n} at 20/s)`, value: `${cpu(e)}`, goal: '', engine: '', ratio: '1.00', met: '', load: c.load });
  const l = c.lifecycle;
  rows.push({
    bench: 'cost',
    figure: `per review lifecycle started directly (the app's workflow through its Temporal door with intake's arguments and search attributes, run by the app's worker until parked; no HTTP, no database; ${l.n} at 20/s)`,
    value: `${cpu(l)}; ${st(l)}`,
    goal: '',
    engine: `Node ${ms(e.nodeMs)} ms`,
    ratio: (l.nodeMs / e.nodeMs).toFixed(2),
    met: '',
    load: c.load,
  });
  const s = c.submission;
  const byWindow = ratioOfWindows(s, e);
  rows.push({
    bench: 'cost',
    figure: `per submission (voice template through the API until its check has run and its round parked; ${s.n} at 20/s)`,
    value: `${cpu(s)}; ${st(s)}`,
    goal: 'Node ≤ 2 × engine; ≤ 8 statements',
    engine: `Node ${ms(e.nodeMs)} ms`,
    // The windows' ratios (each submission window against the engine window just before it), not the medians' ratio.
    ratio: `${median(byWindow).toFixed(2)} (windows ${byWindow.map((r) => r.toFixed(2)).join(' / ')})`,
    met: mark(median(byWindow) <= 2 && (s.statements ?? Infinity) <= 8),
    load: c.load,
  });
  const split = (f: (u: UnitCost) => number) => `engine start ${ms(f(e))}, the app's workflow above it ${ms(f(l) - f(e))}, intake above that ${ms(f(s) - f(l))}`;
  rows.push({
    bench: 'cost',
    figure: "a submission's CPU split (ms): the engine's own start; what the app's lifecycle adds to it (lifecycle − engine start); what intake adds (HTTP, key, validation, transaction: submission − lifecycle)",
    value: `Node: ${split((u) => u.nodeMs)}; of it in the worker process: lifecycle ${ms(l.workerMs)}, submission ${ms(s.workerMs)}; Temporal server: ${split((u) => u.temporalMs)}; PostgreSQL: ${split((u) => u.postgresMs)}`,
    goal: '',
    engine: '',
    ratio: '',
    met: '',
    load: c.load,
  });
  const d = c.decision;
  rows.push({
    bench: 'cost',
    figure: `per back-office decision (POST, Update, transaction, panel; no notice; ${d.n} at 5/s)`,
    value: `${cpu(d)}; ${st(d)}`,
    goal: '≤ 25 statements',
    engine: `Node ${ms(e.nodeMs)} ms`,
    ratio: (d.nodeMs / e.nodeMs).toFixed(2),
    met: mark((d.statements ?? Infinity) <= 25),
    load: c.load,
  });
}

function queueRows(q: QueueFigures): void {
  for (const f of q.figures) {
    rows.push({
      bench: 'queue',
      figure: `${f.what}, ${q.open.toLocaleString('en-US')} open reviews`,
      value: `p50 ${ms(f.p50)} / p95 ${ms(f.p95)} ms (${f.n} requests)`,
      goal: 'p95 < 50 ms',
      engine: '',
      ratio: '',
      met: mark(f.p95 < 50),
      load: q.load,
    });
  }
}

function memoryRows(m: MemoryFigures, e: EngineRates | undefined): void {
  const startRate = m.started / m.startSeconds;
  const last = m.parked.at(-1)!;
  const full = m.started >= 100_000;
  const mib = (x: number) => `${x.toFixed(0)} MiB`;
  rows.push({
    bench: 'memory',
    figure: `worker with ${m.started.toLocaleString('en-US')} open reviews parked on timers, after a forced GC`,
    value: `RSS ${mib(last.rssMiB)}, V8 heap ${mib(last.heapMiB)}, external ${mib(last.externalMiB)} (idle worker RSS ${mib(m.baselineMiB)}; highest RSS while starting ${mib(m.peakMiB)}; ${m.cachedWorkflows ?? '?'} workflows cached)`,
    goal: full ? 'RSS < 1.5 GB' : '',
    engine: '',
    ratio: '',
    met: full ? mark(last.rssMiB * 2 ** 20 < 1.5e9) : '',
    load: m.load,
  });
  // Flat once the cache is full: what an open review costs the worker past it is what grows.
  const from = m.parked.find((p) => p.started >= Math.min(20_000, m.started / 5) && p.started > 0);
  if (from && from !== last) {
    const growth = (last.rssMiB - from.rssMiB) / from.rssMiB;
    const perReviewKiB = ((last.rssMiB - from.rssMiB) * 1024) / (last.started - from.started);
    rows.push({
      bench: 'memory',
      figure: `the curve after GC (open reviews: RSS / heap)`,
      value: `${m.parked
        .filter((p) => p.started > 0)
        .map((p) => `${(p.started / 1000).toFixed(0)}k: ${p.rssMiB.toFixed(0)} / ${p.heapMiB.toFixed(0)}`)
        .join('; ')} MiB; ${(growth * 100).toFixed(1)} % from ${from.started.toLocaleString('en-US')} to ${last.started.toLocaleString('en-US')} (${perReviewKiB.toFixed(2)} KiB per further review)`,
      goal: full ? 'flat (±10 %) from 20,000 to 100,000' : '',
      engine: '',
      ratio: '',
      met: full ? mark(Math.abs(growth) <= 0.1) : '',
      load: m.load,
    });
  }
  if (m.replay) {
    const r = m.replay;
    rows.push({
      bench: 'memory',
      figure: `what eviction costs: a query on a cached review vs on an evicted one (replayed from history), ${r.n} each`,
      value: `cached p50 ${ms(r.cached.p50)} / p95 ${ms(r.cached.p95)} ms, worker CPU ${ms(r.cached.cpuMs)} ms; evicted p50 ${ms(r.evicted.p50)} / p95 ${ms(r.evicted.p95)} ms, worker CPU ${ms(r.evicted.cpuMs)} ms`,
      goal: '',
      engine: '',
      ratio: '',
      met: '',
      load: m.load,
    });
  }
  rows.push({
    bench: 'memory',
    figure: `starting those review lifecycles (64 in flight, in ten steps)`,
    value: `${m.started.toLocaleString('en-US')} in ${m.startSeconds.toFixed(0)} s = ${rate(startRate)}; all parked after ${m.parkedSeconds.toFixed(0)} s; worker CPU ${m.workerCpuMsPerRound.toFixed(1)} ms per round`,
    goal: '',
    engine: e ? rate(e.startOnlyMedian) : '',
    ratio: e ? (startRate / e.startOnlyMedian).toFixed(2) : '',
    met: '',
    load: m.load,
  });
}

function otherRows(bench: string, figures: { figure: string; value: string; note?: string }[], load: string): void {
  for (const f of figures) rows.push({ bench, figure: f.figure, value: f.note ? `${f.value} (${f.note})` : f.value, goal: '', engine: '', ratio: '', met: '', load });
}

function printTable(): void {
  const out = [
    `Machine: ${machine()}; ${appWorkerPid === undefined ? 'web, worker and the load generator in one Node process' : 'web and worker as two Node processes (the notices and decisions parts send from the web\'s process; cost and intake from a load generator of their own)'}, PostgreSQL and the Temporal dev server on this machine`,
    '',
    '| benchmark | figure | value | goal | engine rate (same run) | × engine | met | load average (1/5/15 min) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.bench} | ${r.figure} | ${r.value} | ${r.goal} | ${r.engine} | ${r.ratio} | ${r.met} | ${r.load} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  profile.push('', ...out);
}

async function main(): Promise<void> {
  const started = Date.now();
  const needsStack = ['engine', 'cost', 'intake', 'decisions', 'notices', 'queue', 'memory'].some((p) => only.has(p as Part));
  if (needsStack) {
    const stack = await startStack();
    let app: App | undefined;
    try {
      say(`stack up: pg_stat_statements ${stack.statements ? 'on' : 'not available'}; Temporal ${stack.temporal.address}, its metrics at ${stack.dev.metricsAddress}; SDK metrics at ${stack.sdkMetricsAddress}`);
      app = await startApp(stack);
      appWorkerPid = app.worker.pid;
      appWorkerMetrics = app.worker.metricsAddress;
      say(`app: web server in this process, worker ${app.worker.pid === undefined ? 'in this process too (BENCH_WORKER=in-process)' : `in process ${app.worker.pid}`}`);
      let engine: EngineRates | undefined;
      if (only.has('engine') || only.has('intake')) {
        engine = await part(stack, 'engine', () => measureEngine(stack.temporal, { repeats: ENGINE_REPEATS, seconds: STEP_SECONDS, log: say }), (x) => x.workflows);
        say(engineLine(engine));
        engineRows(engine);
      }
      if (only.has('cost')) {
        const c = await part(stack, 'cost', () => measureCost(stack, app!, { count: COST_UNITS, say }));
        for (const [name, u] of [['engine start', c.engine], ['lifecycle start', c.lifecycle], ['submission', c.submission], ['decision', c.decision]] as const) {
          say(`-- cost: statements per ${name}, by calls`);
          for (const l of u.breakdown) say(`   ${l}`);
        }
        costRows(c);
      }
      if (only.has('intake') && engine) {
        const { shares, rates } = intakeRates(engine);
        const e = engine;
        const steps = await part(
          stack,
          'intake',
          async () => {
            const load = await startLoadProcess();
            try {
              const sender = load.intake(app!.web.url, app!.apiKey);
              return await measureIntake(app!.web.url, app!.apiKey, { rates, seconds: STEP_SECONDS, db: stack.db, workflowTasks: () => app!.worker.tasksDone(), sender, say });
            } finally {
              await load.stop();
            }
          },
          (s) => s.reduce((n, x) => n + x.count, 0),
        );
        // The engine's own starts at intake's lower rates, on the same machine just after: how much
        // of a step's latency the engine takes by itself.
        const lower = rates.filter((_, i) => (shares[i] ?? 1) <= 0.5);
        const own = await part(stack, "engine at intake's rates", () => measureEngineAtRates(stack.temporal, lower, { seconds: STEP_SECONDS, log: say }), (x) => x.reduce((n, s) => n + s.count, 0));
        intakeRowsOf(steps, e, shares, own);
        engineAtRateRows(own, e);
      }
      if (only.has('decisions')) {
        const d = await part(stack, 'decisions', () => measureDecisions(stack, app!, { rate: DECISION_RATE, seconds: 20, say }), (x) => x.decisions);
        decisionRows(d, engine);
      }
      if (only.has('notices')) {
        const n = await part(stack, 'notices', () => measureNotices(stack, app!, { rate: NOTICE_RATE, seconds: 15, say }), (x) => x.decisions);
        noticeRows(n, engine);
      }
      if (only.has('queue')) {
        const q = await part(stack, 'queue', () => measureQueue(stack.db, app!, { reviews: QUEUE_REVIEWS, say }));
        for (const l of q.plans) say(l);
        queueRows(q);
      }
      if (only.has('memory')) {
        // The app's own worker stays idle meanwhile; the memory worker is a process of its own.
        const m = await part(stack, 'memory', () => measureMemory(stack, { count: MEMORY_REVIEWS, maxMinutes: MEMORY_MINUTES, cache: MEMORY_CACHE, snapshots: process.env.BENCH_MEMORY_SNAPSHOTS === '1', say }), (x) => x.started);
        for (const p of m.points) say(`   ${p.seconds.toFixed(0)} s: ${p.started} started, RSS ${p.rssMiB.toFixed(0)} MiB`);
        memoryRows(m, engine);
      }
    } finally {
      await app?.stop();
      await stack.stop();
    }
  }
  // These bring their own embedded services, started after the shared stack is gone.
  if (only.has('deadlines')) {
    say(`\n== deadlines (load ${loadAverage()})`);
    otherRows('deadlines', await deadlineFigures(), loadAverage());
  }
  if (only.has('unsubscribe')) {
    say(`\n== unsubscribe (load ${loadAverage()})`);
    otherRows('unsubscribe', await unsubscribeFigures(), loadAverage());
  }
  if (only.has('insight')) {
    say(`\n== insight (load ${loadAverage()})`);
    otherRows('insight', await insightFigures(), loadAverage());
  }
  say(`\nall parts in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  printTable();
  const file = process.env.BENCH_PROFILE_FILE ?? path.join('data', 'bench', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `${profile.join('\n')}\n`);
  process.stderr.write(`\nprofile and table written to ${file}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
