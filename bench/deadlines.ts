/**
 * Deadline arithmetic throughput: `npx tsx bench/deadlines.ts`.
 *
 * computeDueAt over many random submission instants (2025-2026, ms precision, fixed seed)
 * with the default mainland-China calendar, after a warm-up that fills the calendar's
 * cache and lets the JIT settle. Goal: ≥ 500,000 calls/s for 1-day and 20-day rules.
 *
 * More figures (e.g. "recompute 100,000 open reviews") belong in the FIGURES section
 * below: add a function that returns a Row and call it in main().
 */
import os from 'node:os';
import { computeDueAt, createCalendar, type DeadlineRule, type WorkingCalendar } from '../domain/working-time.js';
import { defaultCalendarSpec } from '../domain/holidays-cn.js';

interface Row {
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

function main(): void {
  const cpus = os.cpus();
  console.log('Deadline arithmetic benchmark');
  console.log(`machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.release()}, node ${process.version}`);
  console.log(`calendar: Asia/Shanghai 09:00-18:00 with chinese-days holidays; ${fmt(SAMPLES)} random submissions in 2025-2026`);
  console.log('');

  const calendar = createCalendar(defaultCalendarSpec());
  const instants = randomInstants(SAMPLES, new Date('2025-01-01T00:00:00+08:00'), new Date('2027-01-01T00:00:00+08:00'), 20260930);

  const rows: Row[] = [
    dueAtThroughput('1 day (working_minutes 540)', { type: 'working_minutes', minutes: 540 }, calendar, instants),
    dueAtThroughput('20 days (end_of_working_day 20)', { type: 'end_of_working_day', days: 20 }, calendar, instants),
    dueAtThroughput('20 days (working_minutes 10800)', { type: 'working_minutes', minutes: 10_800 }, calendar, instants),
  ];
  // Further figures (e.g. recompute 100,000 open reviews) go here: rows.push(...).

  printTable(rows);
  console.log(`\nchecksum ${checksum}`);
}

main();
