/**
 * Reporting periods: whole calendar days in the display time zone, both ends included.
 * Figures are asked for at most six months at once, so a query never scans years of history.
 */

export interface DayRange {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, YYYY-MM-DD (included). */
  to: string;
}

export type PeriodField = 'from' | 'to';
export type PeriodProblemCode = 'missing' | 'invalid' | 'before_start' | 'too_long';
export interface PeriodProblem {
  field: PeriodField;
  code: PeriodProblemCode;
}

export const MAX_PERIOD_MONTHS = 6;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FIRST_YEAR = 2000;
const LAST_YEAR = 9999;

/** A real calendar day written YYYY-MM-DD in the years 2000-9999 (no 30 February); undefined otherwise. */
export function parseDay(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DAY.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < FIRST_YEAR || y > LAST_YEAR) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const fromDate = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fromDate(d);
}

/** Days from `from` to `to`, both included. */
export function dayCount(range: DayRange): number {
  return Math.round((toDate(range.to).getTime() - toDate(range.from).getTime()) / 86_400_000) + 1;
}

export function daysOf(range: DayRange): string[] {
  const n = dayCount(range);
  return Array.from({ length: Math.max(0, n) }, (_, i) => addDays(range.from, i));
}

/**
 * The last day a period starting on `from` may include: the day before the same day of the
 * month `months` later (1 Jan → 30 Jun). When that day does not exist (31 Aug + 6 months), the
 * period may run to the end of that shorter month (28 or 29 Feb).
 */
export function lastAllowedDay(from: string, months = MAX_PERIOD_MONTHS): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const daysInMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if (d > daysInMonth) return fromDate(new Date(Date.UTC(year, month, daysInMonth)));
  return addDays(fromDate(new Date(Date.UTC(year, month, d))), -1);
}

/** The calendar day an instant falls on in a time zone. */
export function dayIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The `days` days ending with `today`. */
export function lastDays(today: string, days: number): DayRange {
  return { from: addDays(today, -(days - 1)), to: today };
}

export const PERIOD_PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'lastMonth'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

/** The periods people ask for most, as seen on `today`: each a whole-day range, both ends included. */
export function presetPeriods(today: string): { preset: PeriodPreset; range: DayRange }[] {
  const monthStart = `${today.slice(0, 8)}01`;
  const lastMonthEnd = addDays(monthStart, -1);
  const ranges: Record<PeriodPreset, DayRange> = {
    today: { from: today, to: today },
    yesterday: { from: addDays(today, -1), to: addDays(today, -1) },
    last7: lastDays(today, 7),
    last30: lastDays(today, 30),
    thisMonth: { from: monthStart, to: today },
    lastMonth: { from: `${lastMonthEnd.slice(0, 8)}01`, to: lastMonthEnd },
  };
  return PERIOD_PRESETS.map((preset) => ({ preset, range: ranges[preset] }));
}

export type PeriodCheck = { ok: true; range: DayRange } | { ok: false; problems: PeriodProblem[] };

/**
 * Checks a period as typed: both days real, the end not before the start, and (when `maxMonths`
 * is set) not longer than that many months. Both ends left empty mean `fallback` when one is
 * given; otherwise each end is reported missing.
 */
export function checkPeriod(input: { from?: unknown; to?: unknown }, opts: { fallback?: DayRange; maxMonths?: number | null }): PeriodCheck {
  const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  if (blank(input.from) && blank(input.to) && opts.fallback) return { ok: true, range: opts.fallback };
  const problems: PeriodProblem[] = [];
  const from = parseDay(input.from);
  const to = parseDay(input.to);
  if (blank(input.from)) problems.push({ field: 'from', code: 'missing' });
  else if (!from) problems.push({ field: 'from', code: 'invalid' });
  if (blank(input.to)) problems.push({ field: 'to', code: 'missing' });
  else if (!to) problems.push({ field: 'to', code: 'invalid' });
  if (from && to) {
    if (to < from) problems.push({ field: 'to', code: 'before_start' });
    else if (opts.maxMonths != null && to > lastAllowedDay(from, opts.maxMonths)) problems.push({ field: 'to', code: 'too_long' });
  }
  return problems.length > 0 || !from || !to ? { ok: false, problems } : { ok: true, range: { from, to } };
}
