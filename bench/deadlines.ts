/**
 * Deadline arithmetic throughput: `npx tsx bench/deadlines.ts`.
 *
 * computeDueAt over many random submission instants (2025-2026, ms precision, fixed seed)
 * with the default mainland-China calendar, after a warm-up that fills the calendar's
 * cache and lets the JIT settle. Goal: ≥ 500,000 calls/s for 1-day and 20-day rules.
 *
 * Then "recompute 100,000 open reviews after a calendar change" (the goal: within a
 * minute), in two separately measured parts:
 * 1. the database part: embedded PostgreSQL, 100,000 pending review rows, a holiday added
 *    through the real use-case, then recomputePage (deadlines/recompute.ts) called in a loop
 *    exactly as the recompute workflow calls it, minus Temporal;
 * 2. the signal part: a real Temporal dev server and worker with 2,000 running review-round
 *    workflows whose deadline a shorter rule moved earlier, recomputed with signals.
 * `BENCH_RECOMPUTE_ROWS`, `BENCH_SIGNAL_WORKFLOWS` change the sizes; `BENCH_SKIP_DB=1`
 * prints only the arithmetic figures; `BENCH_SKIP_TEMPORAL=1` skips part 2.
 *
 * More figures (e.g. "recompute 100,000 open reviews") belong in the FIGURES section
 * below: add a function that returns a Row and call it in main().
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { computeDueAt, atRiskAt, createCalendar, localDateOf, isWorkingDate, type DeadlineRule, type WorkingCalendar } from '../domain/working-time.js';
import { defaultCalendarSpec } from '../domain/holidays-cn.js';
import { AT_RISK_SHARE, DEFAULT_DEADLINE_RULES } from '../domain/rules.js';
import { workflowIdFor, type ReviewKind } from '../domain/review.js';
import { recomputePage, type CalendarMemo, type RecomputeDeps } from '../deadlines/recompute.js';
import { createWorker, WORKFLOW_BUNDLE } from '../activities/worker.js';
import { connectDatabase, type Db } from '../db/client.js';
import { prepareDatabase } from '../db/migrate.js';
import { loadCalendar } from '../db/calendars.js';
import { staff, tenants } from '../db/schema.js';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.js';
import { createCalendarCache } from '../runtime/calendar-cache.js';
import { createLogger } from '../runtime/logger.js';
import { installTemporalRuntime } from '../runtime/temporal-runtime.js';
import { changeCalendar } from '../server/use-cases/change-calendar.js';
import { signalDueTimers } from '../deadlines/signal-rounds.js';
import { changeDeadlineRule } from '../server/use-cases/change-deadline-rule.js';
import { startDevServer } from '../scripts/temporal/dev-server.js';

export interface Row {
  figure: string;
  value: string;
  note: string;
}

const SAMPLES = 100_000;
/** Folds every result in, so no call can be optimised away; printed at the end. */
let checksum = 0;
const MEASURE_MS = 1_500;

/** Deterministic PRNG (mulberry32), so every run times the same instants. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInstants(count: number, from: Date, to: Date, seed: number): Date[] {
  const next = prng(seed);
  const span = to.getTime() - from.getTime();
  return Array.from({ length: count }, () => new Date(from.getTime() + Math.floor(next() * span)));
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------------
// FIGURES

/** computeDueAt calls per second for one rule over the given instants. */
function dueAtThroughput(label: string, rule: DeadlineRule, calendar: WorkingCalendar, instants: Date[]): Row {
  let sink = 0;
  // Warm-up: every instant once (fills the cache for the whole range), then a little more for the JIT.
  for (let round = 0; round < 3; round++) {
    for (const at of instants) sink += computeDueAt(at, rule, calendar).getTime() & 1;
  }
  let calls = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (const at of instants) sink += computeDueAt(at, rule, calendar).getTime() & 1;
    calls += instants.length;
    elapsed = performance.now() - started;
  } while (elapsed < MEASURE_MS);
  checksum = (checksum + sink) % 1_000_000_007;
  const perSecond = (calls / elapsed) * 1000;
  return {
    figure: `computeDueAt ${label}`,
    value: `${fmt(perSecond)} calls/s`,
    note: `${fmt(calls)} calls in ${elapsed.toFixed(0)} ms${perSecond >= 500_000 ? '' : '  (below the 500,000 goal)'}`,
  };
}

// ---------------------------------------------------------------------------------------
// Recompute of open reviews (database part, then signal part).

const RECOMPUTE_ROWS = Number(process.env.BENCH_RECOMPUTE_ROWS ?? 100_000);
const SIGNAL_WORKFLOWS = Number(process.env.BENCH_SIGNAL_WORKFLOWS ?? 2_000);
/** The recompute workflow's default page size. */
const PAGE_SIZE = 1_000;
const KINDS: ReviewKind[] = ['voice_template', 'audio_file', 'service_activation', 'enterprise_qualification', 'quality_check_opt_out'];

interface SeedRow {
  id: string;
  kind: ReviewKind;
  submittedAt: Date;
  dueAt: Date;
  atRiskAt: Date;
  rule: DeadlineRule;
}

/** Pending rows submitted during the last two days (as a busy queue would hold), deadlines as the app computes them. */
function seedRows(count: number, calendar: WorkingCalendar, now: number, kinds: ReviewKind[], seed: number): SeedRow[] {
  const next = prng(seed);
  return Array.from({ length: count }, () => {
    const kind = kinds[Math.floor(next() * kinds.length)]!;
    const submittedAt = new Date(now - Math.floor(next() * 2 * 86_400_000));
    const rule = DEFAULT_DEADLINE_RULES[kind];
    const dueAt = computeDueAt(submittedAt, rule, calendar);
    return { id: randomUUID(), kind, submittedAt, dueAt, atRiskAt: atRiskAt(submittedAt, dueAt, AT_RISK_SHARE, calendar), rule };
  });
}

async function insertRows(db: Db, tenantId: string, rows: SeedRow[], now: number): Promise<void> {
  for (let i = 0; i < rows.length; i += 5_000) {
    const batch = rows.slice(i, i + 5_000);
    const state = (r: SeedRow) => (now >= r.dueAt.getTime() ? 'breached' : now >= r.atRiskAt.getTime() ? 'at_risk' : 'on_track');
    await db.execute(sql`
      insert into reviews (id, kind, tenant_id, subject_id, title, round, status, submitted_at, first_submitted_at, due_at, at_risk_at, due_rule, sla_state, workflow_id, workflow_started_at)
      select n.id, n.kind, ${tenantId}::uuid, n.id::text, 'bench ' || n.kind, 1, 'pending', n.submitted_at, n.submitted_at, n.due_at, n.at_risk_at, n.due_rule, n.sla_state,
             'review-' || n.id || '-round-1', now()
      from jsonb_to_recordset(${JSON.stringify(
        batch.map((r) => ({ id: r.id, kind: r.kind, submitted_at: r.submittedAt.toISOString(), due_at: r.dueAt.toISOString(), at_risk_at: r.atRiskAt.toISOString(), due_rule: r.rule, sla_state: state(r) })),
      )}::jsonb) as n(id uuid, kind text, submitted_at timestamptz, due_at timestamptz, at_risk_at timestamptz, due_rule jsonb, sla_state text)`);
  }
  await db.execute(sql`analyze reviews`);
}

/** The next working date after today in the calendar's zone: a holiday there moves almost every open deadline later. */
function nextWorkingDate(calendar: WorkingCalendar, now: number): string {
  for (let d = 1; d < 30; d++) {
    const date = localDateOf(new Date(now + d * 86_400_000), calendar);
    if (isWorkingDate(date, calendar)) return date;
  }
  throw new Error('no working day within 30 days');
}

/** Runs recomputePage until it reports nothing left, as the workflow does; returns the totals. */
async function recomputeAll(deps: RecomputeDeps, targetVersion: number) {
  const totals = { pages: 0, processed: 0, moved: 0, signalled: 0, deferred: 0, ms: { read: 0, compute: 0, write: 0, sla: 0, signal: 0 } };
  const started = performance.now();
  for (;;) {
    const page = await recomputePage(deps, { targetVersion, limit: PAGE_SIZE });
    totals.pages += 1;
    totals.processed += page.processed;
    totals.moved += page.moved;
    totals.signalled += page.signalled;
    totals.deferred += page.deferred;
    for (const k of Object.keys(totals.ms) as (keyof typeof totals.ms)[]) totals.ms[k] += page.ms[k];
    if (page.done) break;
  }
  return { ...totals, wallMs: performance.now() - started };
}

/** A Temporal client that accepts the use-cases' recompute request and does nothing (part 1 runs the pages itself). */
const noTemporal = { workflow: { signalWithStart: async () => undefined } } as unknown as Client;

async function recomputeFigures(): Promise<Row[]> {
  const rows: Row[] = [];
  const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', 'bench');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-bench-'));
  await fs.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), database: 'bench', log });
  const database = connectDatabase(pg.url, { max: 8 });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    await prepareDatabase(pg.url);
    const db = database.db;
    const [tenant] = await db.insert(tenants).values({ name: 'bench tenant' }).returning();
    const [admin] = await db.insert(staff).values({ email: 'admin@bench.local', name: 'Bench Admin', passwordHash: 'x', role: 'admin' }).returning();
    const actor = { id: admin!.id, name: admin!.name, role: 'admin' as const };
    const stored = await loadCalendar(db);
    const calendar = createCalendar(stored!.spec);
    const now = Date.now();

    // Part 1: the database part, 100,000 rows.
    const seeded = seedRows(RECOMPUTE_ROWS, calendar, now, KINDS, 42);
    let t = performance.now();
    await insertRows(db, tenant!.id, seeded, now);
    console.log(`inserted ${fmt(RECOMPUTE_ROWS)} pending reviews in ${(performance.now() - t).toFixed(0)} ms`);
    const holiday = nextWorkingDate(calendar, now);
    const change = await changeCalendar({ db, log, recompute: { client: noTemporal, taskQueue: 'bench' } }, actor, { add: [{ date: holiday, kind: 'holiday', name: '压测假日', nameEn: 'Bench holiday' }] });
    const memo: CalendarMemo = {};
    const db1 = await recomputeAll({ db, log, calendarMemo: memo }, change.rulesVersion);
    const left = await db.execute<{ n: number }>(sql`select count(*)::int as n from reviews where status = 'pending' and rules_version < ${change.rulesVersion}`);
    const perSecond = (db1.processed / db1.wallMs) * 1000;
    rows.push({
      figure: `recompute ${fmt(RECOMPUTE_ROWS)} open reviews after a calendar change (database part)`,
      value: `${(db1.wallMs / 1000).toFixed(2)} s`,
      note:
        `holiday on ${holiday}; ${fmt(db1.processed)} rows in ${db1.pages} pages of ${fmt(PAGE_SIZE)}, ${fmt(perSecond)} rows/s; ` +
        `${fmt(db1.moved)} deadlines moved later, 0 signals needed; read ${fmt(db1.ms.read)} ms, compute ${fmt(db1.ms.compute)} ms, ` +
        `bulk update ${fmt(db1.ms.write)} ms; ${left[0]?.n ?? '?'} rows left behind`,
    });

    // A second change while nothing changes the rows: the pass just confirms (idempotence check, and its cost).
    const again = await recomputeAll({ db, log, calendarMemo: memo }, change.rulesVersion);
    rows.push({ figure: 'the same recompute run again', value: `${(again.wallMs / 1000).toFixed(3)} s`, note: `${again.processed} rows behind, nothing rewritten` });

    if (process.env.BENCH_SKIP_TEMPORAL === '1') return rows;

    // Part 2: the signal rate against a real Temporal dev server with running review rounds.
    await db.execute(sql`update reviews set status = 'approved' where status = 'pending'`);
    installTemporalRuntime(log);
    const dev = await startDevServer({ log: () => undefined });
    stops.push(() => dev.stop());
    const connection = await Connection.connect({ address: dev.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: dev.namespace });
    const native = await NativeConnection.connect({ address: dev.address });
    stops.push(() => native.close());
    const taskQueue = `bench-${randomUUID()}`;
    const worker = await createWorker({
      connection: native,
      namespace: dev.namespace,
      taskQueue,
      db,
      log,
      calendar: createCalendarCache(db),
      temporal: client,
      workflowBundle: await bundleWorkflowCode({ ...WORKFLOW_BUNDLE, logger: new DefaultLogger('WARN') }),
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });

    const fresh = createCalendar((await loadCalendar(db))!.spec);
    const rounds = seedRows(SIGNAL_WORKFLOWS, fresh, Date.now(), ['voice_template'], 7).map((r) => ({ ...r, submittedAt: new Date(Date.now() - 60_000) }))
      .map((r) => {
        const dueAt = computeDueAt(r.submittedAt, r.rule, fresh);
        return { ...r, dueAt, atRiskAt: atRiskAt(r.submittedAt, dueAt, AT_RISK_SHARE, fresh) };
      });
    await insertRows(db, tenant!.id, rounds, Date.now());
    t = performance.now();
    let nextRound = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (nextRound < rounds.length) {
          const r = rounds[nextRound++]!;
          await client.workflow.start('reviewRound', {
            taskQueue,
            workflowId: workflowIdFor(r.id, 1),
            args: [{ reviewId: r.id, kind: r.kind, round: 1, submittedAt: r.submittedAt.toISOString(), dueAt: r.dueAt.toISOString(), atRiskAt: r.atRiskAt.toISOString(), assigneeId: null }],
          });
        }
      }),
    );
    // Every round has run its first task (it is asleep on its at-risk timer) once it answers a query.
    for (const r of rounds) await client.workflow.getHandle(workflowIdFor(r.id, 1)).query('state');
    console.log(`started ${fmt(rounds.length)} review-round workflows in ${(performance.now() - t).toFixed(0)} ms`);

    // Each step shortens the rule again, so every round's deadline moves earlier and is signalled; the steps differ in signals in flight.
    let best = 0;
    const steps: [number, number][] = [
      [60, 32],
      [30, 128],
    ];
    for (const [minutes, inFlight] of steps) {
      const shorter = await changeDeadlineRule({ db, log, recompute: { client: noTemporal, taskQueue } }, actor, 'voice_template', { type: 'working_minutes', minutes });
      const sig = await recomputeAll({ db, log, temporal: client, calendarMemo: memo, signalConcurrency: inFlight }, shorter.rulesVersion);
      rows.push({
        figure: `recompute ${fmt(SIGNAL_WORKFLOWS)} running rounds whose deadline moved earlier (rule -> ${minutes} working minutes)`,
        value: `${(sig.wallMs / 1000).toFixed(2)} s`,
        note:
          `${fmt(sig.signalled)} signalled at once (next instant within the 60-minute horizon), ${fmt(sig.deferred)} left to the deadline signaller; ` +
          `database and immediate signals included`,
      });
      // The signaller's own rate: run it as if every deferred instant were near, until none is left.
      const t0 = performance.now();
      let told = 0;
      for (let n = -1; n !== 0; ) {
        n = await signalDueTimers(db, client, new Date(Date.now() + 365 * 86400_000));
        told += n;
      }
      const signalMs = performance.now() - t0;
      const sample = rounds[Math.floor(rounds.length / 2)]!;
      const state = (await client.workflow.getHandle(workflowIdFor(sample.id, 1)).query('state')) as { deadline?: { dueAt: string; version: number } };
      // In working hours a short rule brings every round's next instant within the horizon, so all
      // were signalled at once and none is left here: the immediate rate stands for the signaller's.
      if (told === 0) {
        if (sig.signalled > 0) best = Math.max(best, (sig.signalled / sig.wallMs) * 1000);
        continue;
      }
      const signalRate = (told / signalMs) * 1000;
      best = Math.max(best, signalRate);
      rows.push({
        figure: `deadline signaller telling ${fmt(told)} of those rounds (Temporal part)`,
        value: `${fmt(signalRate)} signals/s`,
        note:
          `signals accepted by the dev server in ${fmt(signalMs)} ms while the worker processes them on the same 2 cores; ` +
          `a sampled round's workflow now holds deadline version ${state.deadline?.version ?? '?'}`,
      });
    }
    const dbPer100k = (db1.wallMs / db1.processed) * 100_000;
    const spread = best > 0 ? (100_000 / best).toFixed(0) : '?';
    rows.push({
      figure: 'wall time for 100,000 open reviews',
      value: `${(dbPer100k / 1000).toFixed(1)} s`,
      note:
        `deadlines recomputed and stored (measured above for 100,000, later-moving); when they move earlier, only rounds due within ` +
        `60 minutes are signalled at once, the rest by the signaller before their instants (at the rate above, 100,000 signals ` +
        `take about ${spread} s in all, spread over the time until those instants; an extrapolation)`,
    });
    return rows;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await database.close();
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------

function printTable(rows: Row[]): void {
  const headers: Row = { figure: 'figure', value: 'value', note: 'note' };
  const all = [headers, ...rows];
  const w = (k: keyof Row): number => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row): string => `| ${r.figure.padEnd(w('figure'))} | ${r.value.padStart(w('value'))} | ${r.note.padEnd(w('note'))} |`;
  const rule = `|${'-'.repeat(w('figure') + 2)}|${'-'.repeat(w('value') + 2)}|${'-'.repeat(w('note') + 2)}|`;
  console.log(line(headers));
  console.log(rule);
  for (const r of rows) console.log(line(r));
}

/** Every figure of this benchmark, as rows (for `npm run bench`'s table and for this file's own). */
export async function deadlineFigures(): Promise<Row[]> {
  const calendar = createCalendar(defaultCalendarSpec());
  const instants = randomInstants(SAMPLES, new Date('2025-01-01T00:00:00+08:00'), new Date('2027-01-01T00:00:00+08:00'), 20260930);
  const rows: Row[] = [
    dueAtThroughput('1 day (working_minutes 540)', { type: 'working_minutes', minutes: 540 }, calendar, instants),
    dueAtThroughput('20 days (end_of_working_day 20)', { type: 'end_of_working_day', days: 20 }, calendar, instants),
    dueAtThroughput('20 days (working_minutes 10800)', { type: 'working_minutes', minutes: 10_800 }, calendar, instants),
  ];
  // Further figures go here: rows.push(...).
  if (process.env.BENCH_SKIP_DB !== '1') rows.push(...(await recomputeFigures()));
  return rows;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log('Deadline arithmetic benchmark');
  console.log(`machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.release()}, node ${process.version}`);
  console.log(`calendar: Asia/Shanghai 09:00-18:00 with chinese-days holidays; ${fmt(SAMPLES)} random submissions in 2025-2026`);
  console.log('');
  printTable(await deadlineFigures());
  console.log(`\nchecksum ${checksum}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
