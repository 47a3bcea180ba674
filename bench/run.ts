/**
 * `npm run bench`: every benchmark on one embedded stack (PostgreSQL with pg_stat_statements, the
 * Temporal dev server, web and worker in this process as `npm start` runs them), with the engine's
 * own rates measured on the same Temporal server in the same run, printed as ONE table in which
 * each app rate also stands as a share of the engine's.
 *
 * Evidence for each part (CPU time of this process, PostgreSQL and the Temporal server; the
 * costliest statements; Temporal's counters that grew most) goes to stderr and to
 * BENCH_PROFILE_FILE (default data/bench/profile-<time>.txt).
 *
 *   npm run bench
 *   BENCH_ONLY=engine,intake npm run bench        (parts: engine, intake, decisions, notices, queue, memory, deadlines, unsubscribe, insight)
 *   BENCH_MEMORY_REVIEWS=100000 BENCH_QUEUE_REVIEWS=100000 BENCH_STEP_SECONDS=10 BENCH_ENGINE_REPEATS=3 npm run bench
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { measureEngine, type EngineRates } from './engine.js';
import { engineLine, intakeRates, measureIntake, type IntakeStep } from './intake.js';
import { measureDecisions, type DecisionFigures } from './decisions.js';
import { measureNotices, type NoticeFigures } from './notify.js';
import { measureQueue, type QueueFigures } from './queue.js';
import { measureMemory, type MemoryFigures } from './memory.js';
import { startApp, startStack, type App, type Stack } from './support/stack.js';
import { cpuBetween, cpuSample, loadAverage, machine, metricGrowth, resetStatements, scrapeMetrics, statementTotals, topStatements } from './support/measure.js';
import { deadlineFigures } from './deadlines.js';
import { unsubscribeFigures } from './unsubscribe.js';
import { insightFigures } from './insight.js';

const PARTS = ['engine', 'intake', 'decisions', 'notices', 'queue', 'memory', 'deadlines', 'unsubscribe', 'insight'] as const;
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
const DECISION_RATE = num('BENCH_DECISION_RATE', 5);
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

/** Runs one part with its evidence: CPU per process, costliest statements, Temporal's counters. */
async function part<T>(stack: Stack, name: string, fn: () => Promise<T>, per?: (t: T) => number): Promise<T> {
  say(`\n== ${name} (load ${loadAverage()})`);
  await resetStatements(stack.db, stack.statements);
  const serverBefore = await scrapeMetrics(stack.dev.metricsAddress);
  const sdkBefore = await scrapeMetrics(stack.sdkMetricsAddress);
  const cpu0 = await cpuSample({ postgres: stack.pg.pid, temporal: stack.dev.pid });
  const result = await fn();
  const cpu1 = await cpuSample({ postgres: stack.pg.pid, temporal: stack.dev.pid });
  const units = per?.(result);
  say(`-- ${name}: CPU ${cpuBetween(cpu0, cpu1)}${units ? `; per unit (${units}): ${cpuBetween(cpu0, cpu1, units)}` : ''}`);
  const totals = await statementTotals(stack.db, stack.statements);
  if (totals) say(`-- ${name}: ${Math.round(totals.calls)} statements, ${Math.round(totals.ms)} ms executing${units ? ` (${(totals.calls / units).toFixed(1)} statements, ${(totals.ms / units).toFixed(2)} ms per unit)` : ''}`);
  say(`-- ${name}: costliest statements`);
  for (const l of await topStatements(stack.db, stack.statements)) say(`   ${l}`);
  const serverAfter = await scrapeMetrics(stack.dev.metricsAddress);
  say(`-- ${name}: Temporal server, requests that grew most`);
  for (const l of metricGrowth(serverBefore, serverAfter, /^(service_requests|persistence_requests)\{/)) say(`   ${l}`);
  const sdkAfter = await scrapeMetrics(stack.sdkMetricsAddress);
  say(`-- ${name}: worker SDK counters that grew most`);
  for (const l of metricGrowth(sdkBefore, sdkAfter, /^temporal_(workflow_task|activity|request|long_request|sticky|workflow_completed|num_pollers)[a-z_]*(_count|_total)?\{/, 12)) say(`   ${l}`);
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

function intakeRowsOf(steps: IntakeStep[], e: EngineRates, shares: number[]): void {
  const engine = rate(e.startOnlyMedian);
  const best = Math.max(...steps.map((s) => s.sustained));
  steps.forEach((s, i) => {
    const share = shares[i];
    const at80 = share === 0.8;
    const loop = typeof s.offered === 'number' ? undefined : s.offered.inFlight;
    rows.push({
      bench: 'intake',
      figure: loop ? `submit → visible, ${loop} in flight (most sustained)` : `submit → visible at ${String(s.offered)}/s offered (${share} × engine start-only)`,
      value: `sustained ${rate(s.sustained)}; p50 ${ms(s.p50)} / p95 ${ms(s.p95)} / p99 ${ms(s.p99)} ms; ${s.failed} failed${s.catchUpSeconds !== undefined ? `; checks done ${s.catchUpSeconds.toFixed(0)} s after` : ''}`,
      goal: at80 ? 'p95 < 150 ms' : loop ? 'sustains ≥ 0.90 × engine' : '',
      engine,
      ratio: (s.sustained / e.startOnlyMedian).toFixed(2),
      met: at80 ? mark(s.p95 < 150 && s.failed === 0) : loop ? mark(best >= 0.9 * e.startOnlyMedian) : '',
      load: s.load,
    });
  });
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
  const extrapolated = m.started < 100_000;
  rows.push({
    bench: 'memory',
    figure: `worker RSS with ${m.started.toLocaleString('en-US')} open reviews on timers`,
    value: `${m.finalMiB.toFixed(0)} MiB once all had parked (idle worker ${m.baselineMiB.toFixed(0)} MiB, highest while starting ${m.peakMiB.toFixed(0)} MiB; ${m.cachedWorkflows ?? '?'} workflows cached)`,
    goal: extrapolated ? '' : 'RSS < 1.5 GB',
    engine: '',
    ratio: '',
    met: extrapolated ? '' : mark(Math.max(m.finalMiB, m.peakMiB) * 2 ** 20 < 1.5e9),
    load: m.load,
  });
  if (extrapolated) {
    // The cache is bounded: past it, an open review costs the worker only what the samples show growing.
    const after = m.points.find((p) => p.started >= Math.max(2 * (m.cachedWorkflows ?? 0), m.started / 2));
    const slopeKiB = after && m.started > after.started ? Math.max(0, ((m.finalMiB - after.rssMiB) * 1024) / (m.started - after.started)) : 0;
    const at100k = Math.max(m.finalMiB, m.peakMiB) + (slopeKiB * (100_000 - m.started)) / 1024;
    rows.push({
      bench: 'memory',
      figure: 'worker RSS extrapolated to 100,000 open reviews',
      value: `${at100k.toFixed(0)} MiB (the highest measured plus ${slopeKiB.toFixed(2)} KiB per further review, the growth measured after the cache was full${after ? ` from ${after.started.toLocaleString('en-US')} on` : ''})`,
      goal: 'RSS < 1.5 GB',
      engine: '',
      ratio: '',
      met: mark(at100k * 2 ** 20 < 1.5e9),
      load: m.load,
    });
  }
  rows.push({
    bench: 'memory',
    figure: `starting those review lifecycles (64 in flight)`,
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
    `Machine: ${machine()}; web, worker, PostgreSQL, the Temporal dev server and the load generator on this machine`,
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
  const needsStack = ['engine', 'intake', 'decisions', 'notices', 'queue', 'memory'].some((p) => only.has(p as Part));
  if (needsStack) {
    const stack = await startStack();
    let app: App | undefined;
    try {
      say(`stack up: pg_stat_statements ${stack.statements ? 'on' : 'not available'}; Temporal ${stack.temporal.address}, its metrics at ${stack.dev.metricsAddress}; SDK metrics at ${stack.sdkMetricsAddress}`);
      app = await startApp(stack);
      let engine: EngineRates | undefined;
      if (only.has('engine') || only.has('intake')) {
        engine = await part(stack, 'engine', () => measureEngine(stack.temporal, { repeats: ENGINE_REPEATS, seconds: STEP_SECONDS, log: say }), (x) => x.workflows);
        say(engineLine(engine));
        engineRows(engine);
      }
      if (only.has('intake') && engine) {
        const { shares, rates } = intakeRates(engine);
        const e = engine;
        const steps = await part(
          stack,
          'intake',
          () => measureIntake(app!.web.url, app!.apiKey, { rates, seconds: STEP_SECONDS, db: stack.db, say }),
          (s) => s.reduce((n, x) => n + x.count, 0),
        );
        intakeRowsOf(steps, e, shares);
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
        const m = await part(stack, 'memory', () => measureMemory(stack, { count: MEMORY_REVIEWS, maxMinutes: MEMORY_MINUTES, say }), (x) => x.started);
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
