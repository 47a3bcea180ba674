/**
 * Working-time arithmetic: working calendars, deadline rules and the instants they produce.
 *
 * Pure and deterministic: no I/O, no Node built-ins, no clock. Only `Intl.DateTimeFormat`
 * is used (to learn a zone's UTC offsets), and only while filling the calendar's cache,
 * never on the hot path once a date range has been visited. Safe to import from
 * Temporal workflow code.
 *
 * Semantics:
 * - A working day is Monday-Friday unless listed in `holidays`, or any day listed in
 *   `makeUpWorkdays` (调休). A date may not be in both lists.
 * - Each working day has one window [opens, closes) in local wall time of `timeZone`.
 *   Inside means `opens <= t < closes`: a submission at exactly 18:00 is outside.
 * - `working_minutes M`: the instant at which M minutes of working time have passed
 *   since submission. A submission outside a window starts counting at the next opening.
 *   A count that completes exactly at a close ends at that close (18:00), not at the next
 *   opening. Consequently `working_minutes 0` is the submission instant itself when it is
 *   inside a window, and otherwise the next window's opening (07:00 → 09:00 that day;
 *   18:00 → the next working day's 09:00).
 * - `end_of_working_day N`: D0 is the submission's local date if that date is a working
 *   day and the submission is before its close (07:30 counts as that day), otherwise the
 *   next working day; the deadline is the close of the N-th working day after D0.
 *
 * Time zones and daylight-saving time:
 * - Window edges are local wall times converted to UTC with the zone's rules, so a
 *   09:00-18:00 window on a DST-change day in America/New_York is still 09:00-18:00 on
 *   the wall clock (9 h; a transition inside a window would make it 8 h or 10 h of real
 *   time, and working time is always real elapsed time).
 * - Nonexistent local times (spring-forward gap) move forward by the gap's length
 *   (02:30 → 03:30), ambiguous ones (fall-back overlap) take the earlier instant. This is
 *   Temporal/java.time's "compatible" disambiguation; it is monotone, so a window never
 *   inverts. A local date starts at its first instant (local midnight, or the end of a
 *   gap when midnight itself does not exist).
 *
 * `workingMinutesBetween` returns exact, possibly fractional minutes (working
 * milliseconds / 60000) and is signed: negative when `to` is before `from`, so it is
 * additive for any midpoint. `workingMsBetween` gives the integer milliseconds.
 *
 * Supported instants: local years 1000-9999. Rules are capped at ten years of working
 * time (`MAX_RULE_MINUTES`, `MAX_RULE_DAYS`); a year of working time is routine.
 */

export interface CalendarSpec {
  timeZone: string; // IANA name, e.g. "Asia/Shanghai"
  opens: string; // "09:00"
  closes: string; // "18:00" ("24:00" allowed: end of the day)
  holidays: string[]; // "YYYY-MM-DD": not working, even on a weekday
  makeUpWorkdays: string[]; // "YYYY-MM-DD": working, even on a weekend
}

export type DeadlineRule =
  | { type: 'working_minutes'; minutes: number }
  | { type: 'end_of_working_day'; days: number };

export interface WorkingCalendar {
  readonly spec: CalendarSpec;
}

/** Invalid calendar spec, rule or argument; `field` names the offending field, e.g. `holidays[3]`. */
export class WorkingTimeError extends Error {
  field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'WorkingTimeError';
    this.field = field;
  }
}

/** Ten years of minutes: larger working_minutes rules are rejected. */
export const MAX_RULE_MINUTES = 10 * 366 * 24 * 60;
/** Ten years of days: larger end_of_working_day rules are rejected. */
export const MAX_RULE_DAYS = 10 * 366;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Days per cache block (a power of two). */
const BLOCK_SHIFT = 5;
const BLOCK = 1 << BLOCK_SHIFT;
const BLOCK_MASK = BLOCK - 1;
/** Local years supported: keeps Intl and the cache inside sane bounds. */
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

// ---------------------------------------------------------------------------------------
// Civil dates as day numbers (days since 1970-01-01), proleptic Gregorian. H. Hinnant's
// algorithms: exact for every year, no Date objects.

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})$/;

/** Day number of a "YYYY-MM-DD" string, or undefined when malformed or impossible. */
function parseIsoDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const days = daysFromCivil(year, month, day);
  const back = civilFromDays(days);
  if (back.year !== year || back.month !== month || back.day !== day) return undefined;
  return days;
}

/** Minutes after midnight of "HH:MM" (00:00-23:59, plus 24:00 when allowed). */
function parseTime(value: unknown, field: string, allow24: boolean): number {
  if (typeof value !== 'string') throw new WorkingTimeError(field, `must be a "HH:MM" string, got ${describe(value)}`);
  const m = TIME_RE.exec(value);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || min > 59 || h > 24 || (h === 24 && (min !== 0 || !allow24))) {
    throw new WorkingTimeError(field, `must be a time "HH:MM" between 00:00 and ${allow24 ? '24:00' : '23:59'}, got ${JSON.stringify(value)}`);
  }
  return h * 60 + min;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

// ---------------------------------------------------------------------------------------
// Zone offsets through Intl (cache-filling only).

class ZoneRules {
  private readonly fmt: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local wall time minus UTC, in ms, at instant `utcMs`. */
  offsetAt(utcMs: number): number {
    const s = Math.floor(utcMs / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of this.fmt.formatToParts(s)) {
      switch (p.type) {
        case 'year': year = Number(p.value); break;
        case 'month': month = Number(p.value); break;
        case 'day': day = Number(p.value); break;
        case 'hour': hour = Number(p.value) % 24; break;
        case 'minute': minute = Number(p.value); break;
        case 'second': second = Number(p.value); break;
        case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
        default: break;
      }
    }
    if (bc) year = 1 - year;
    const local = daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * MINUTE_MS + second * 1000;
    return local - s;
  }

  /**
   * The instant of a local wall time (ms since 1970-01-01 00:00 local, as if UTC).
   * Gap: shifted forward by the gap; overlap: the earlier instant ("compatible").
   */
  localToUtc(local: number): number {
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    if (before === after) return local - before;
    const u1 = local - before;
    const u2 = local - after;
    const ok1 = this.offsetAt(u1) === before;
    const ok2 = this.offsetAt(u2) === after;
    if (ok1 && ok2) return Math.min(u1, u2);
    if (ok1) return u1;
    if (ok2) return u2;
    return u1; // in a gap: read with the offset in force before it, i.e. moved forward
  }
}

// ---------------------------------------------------------------------------------------
// The calendar and its cache.

/** BLOCK consecutive local dates; all instants are UTC ms. */
interface Block {
  /** start[i] = first instant of day i; start[BLOCK] = first instant of the next block. */
  readonly start: Float64Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
  /** close - open on working days, 0 otherwise. */
  readonly work: Float64Array;
  readonly working: Uint8Array;
  readonly totalWork: number;
  readonly workingDays: number;
}

const MIN_DAY = daysFromCivil(MIN_YEAR, 1, 1);
const MAX_DAY = daysFromCivil(MAX_YEAR, 12, 31);

class Calendar implements WorkingCalendar {
  readonly spec: CalendarSpec;
  readonly zone: ZoneRules;
  private readonly opensMs: number;
  private readonly closesMs: number;
  private readonly holidays: ReadonlySet<number>;
  private readonly makeUps: ReadonlySet<number>;
  private readonly blocks = new Map<number, Block>();
  private lastIndex = Number.NaN;
  private lastBlock: Block | undefined;
  private readonly guessOffset: number;
  readonly minInstant: number;
  readonly maxInstant: number;

  constructor(spec: CalendarSpec, zone: ZoneRules, opensMin: number, closesMin: number, holidays: Set<number>, makeUps: Set<number>) {
    this.spec = spec;
    this.zone = zone;
    this.opensMs = opensMin * MINUTE_MS;
    this.closesMs = closesMin * MINUTE_MS;
    this.holidays = holidays;
    this.makeUps = makeUps;
    // Any fixed reference works: dayOf() corrects a wrong guess in a step or two.
    this.guessOffset = zone.offsetAt(1_767_225_600_000); // 2026-01-01T00:00Z
    this.minInstant = zone.localToUtc(MIN_DAY * DAY_MS);
    this.maxInstant = zone.localToUtc((MAX_DAY + 1) * DAY_MS) - 1;
  }

  isWorkingDay(days: number): boolean {
    if (this.holidays.has(days)) return false;
    if (this.makeUps.has(days)) return true;
    const wd = weekdayOf(days);
    return wd !== 0 && wd !== 6;
  }

  block(index: number): Block {
    if (index === this.lastIndex && this.lastBlock) return this.lastBlock;
    let b = this.blocks.get(index);
    if (!b) {
      b = this.buildBlock(index);
      this.blocks.set(index, b);
    }
    this.lastIndex = index;
    this.lastBlock = b;
    return b;
  }

  private buildBlock(index: number): Block {
    const first = index * BLOCK;
    const start = new Float64Array(BLOCK + 1);
    const open = new Float64Array(BLOCK);
    const close = new Float64Array(BLOCK);
    const work = new Float64Array(BLOCK);
    const working = new Uint8Array(BLOCK);
    let totalWork = 0;
    let workingDays = 0;
    // Offsets sampled once a day, from the day before the block to two days after it. When
    // the samples around a date agree, no transition can reach that date's local times
    // (offsets are within ±16 h and transitions are more than a day apart), so its local
    // times convert with one subtraction; otherwise localToUtc resolves gaps and overlaps.
    const samples = new Float64Array(BLOCK + 4);
    for (let j = 0; j < BLOCK + 4; j++) samples[j] = this.zone.offsetAt((first + j - 1) * DAY_MS);
    const toUtc = (i: number, local: number): number => {
      const o = samples[i + 1] as number;
      if (samples[i] === o && samples[i + 2] === o && samples[i + 3] === o) return local - o;
      return this.zone.localToUtc(local);
    };
    for (let i = 0; i <= BLOCK; i++) start[i] = toUtc(i, (first + i) * DAY_MS);
    for (let i = 0; i < BLOCK; i++) {
      const day = first + i;
      const s = start[i] as number;
      const e = start[i + 1] as number;
      // A date that does not exist locally (e.g. Pacific/Apia skipped 30 Dec 2011) has no window.
      if (!this.isWorkingDay(day) || e <= s) {
        open[i] = s;
        close[i] = s;
        continue;
      }
      // Windows are clipped to their own date, so windows of neighbouring dates never overlap.
      const o = Math.min(Math.max(toUtc(i, day * DAY_MS + this.opensMs), s), e);
      const c = Math.min(Math.max(toUtc(i, day * DAY_MS + this.closesMs), o), e);
      open[i] = o;
      close[i] = c;
      work[i] = c - o;
      working[i] = 1;
      totalWork += c - o;
      workingDays++;
    }
    return { start, open, close, work, working, totalWork, workingDays };
  }

  /** Day number of the local date containing instant t. */
  dayOf(t: number): number {
    let d = Math.floor((t + this.guessOffset) / DAY_MS);
    for (;;) {
      const b = this.block(d >> BLOCK_SHIFT);
      const i = d & BLOCK_MASK;
      if (t < (b.start[i] as number)) d--;
      else if (t >= (b.start[i + 1] as number)) d++;
      else return d;
    }
  }

  /** Earliest instant at which `ms` of working time have passed since t (counting from the next opening when outside a window). */
  advance(t: number, ms: number): number {
    const d = this.dayOf(t);
    let bi = d >> BLOCK_SHIFT;
    let i = d & BLOCK_MASK;
    let b = this.block(bi);
    let rem = ms;
    const close = b.close[i] as number;
    if (b.working[i] === 1 && t < close) {
      const open = b.open[i] as number;
      const cur = t < open ? open : t;
      if (rem <= close - cur) return cur + rem;
      rem -= close - cur;
    }
    if (++i === BLOCK) {
      i = 0;
      b = this.block(++bi);
    }
    for (;;) {
      if (i === 0) {
        while (rem > b.totalWork) {
          rem -= b.totalWork;
          b = this.block(++bi);
        }
      }
      if (b.working[i] === 1) {
        const w = b.work[i] as number;
        if (rem <= w) return (b.open[i] as number) + rem;
        rem -= w;
      }
      if (++i === BLOCK) {
        i = 0;
        b = this.block(++bi);
      }
    }
  }

  /** Day number of D0 for a submission at t (see end_of_working_day). */
  firstDay(t: number): number {
    return this.nthWorkingDay(t, 0);
  }

  /** Day number of the n-th working day after D0 for a submission at t. */
  nthWorkingDay(t: number, n: number): number {
    const d = this.dayOf(t);
    let bi = d >> BLOCK_SHIFT;
    let i = d & BLOCK_MASK;
    let b = this.block(bi);
    let k = n + 1; // working days still to meet, D0 included
    if (b.working[i] === 1 && t < (b.close[i] as number)) {
      if (--k === 0) return d;
    }
    if (++i === BLOCK) {
      i = 0;
      b = this.block(++bi);
    }
    for (;;) {
      if (i === 0) {
        while (k > b.workingDays) {
          k -= b.workingDays;
          b = this.block(++bi);
        }
      }
      if (b.working[i] === 1 && --k === 0) return bi * BLOCK + i;
      if (++i === BLOCK) {
        i = 0;
        b = this.block(++bi);
      }
    }
  }

  /** Close of the n-th working day after D0 for a submission at t. */
  endOfWorkingDay(t: number, n: number): number {
    const day = this.nthWorkingDay(t, n);
    return this.block(day >> BLOCK_SHIFT).close[day & BLOCK_MASK] as number;
  }

  /** Working ms in [a, b), a <= b. */
  workMs(a: number, bEnd: number): number {
    const da = this.dayOf(a);
    const db = this.dayOf(bEnd);
    if (da === db) return this.overlap(da, a, bEnd);
    let sum = this.overlap(da, a, Infinity) + this.overlap(db, -Infinity, bEnd);
    let d = da + 1;
    while (d < db) {
      const blk = this.block(d >> BLOCK_SHIFT);
      const i = d & BLOCK_MASK;
      if (i === 0 && d + BLOCK <= db) {
        sum += blk.totalWork;
        d += BLOCK;
      } else {
        sum += blk.work[i] as number;
        d++;
      }
    }
    return sum;
  }

  private overlap(day: number, from: number, to: number): number {
    const b = this.block(day >> BLOCK_SHIFT);
    const i = day & BLOCK_MASK;
    if (b.working[i] !== 1) return 0;
    const lo = Math.max(from, b.open[i] as number);
    const hi = Math.min(to, b.close[i] as number);
    return hi > lo ? hi - lo : 0;
  }

  /** Window of a working day, or undefined. */
  windowOf(day: number): { open: number; close: number } | undefined {
    const b = this.block(day >> BLOCK_SHIFT);
    const i = day & BLOCK_MASK;
    if (b.working[i] !== 1) return undefined;
    return { open: b.open[i] as number, close: b.close[i] as number };
  }

  isHoliday(day: number): boolean {
    return this.holidays.has(day);
  }

  isMakeUp(day: number): boolean {
    return this.makeUps.has(day);
  }
}

// ---------------------------------------------------------------------------------------
// Public API.

/** Validates a spec and builds a calendar (window instants are cached inside it, lazily). */
export function createCalendar(spec: CalendarSpec): WorkingCalendar {
  return buildCalendar(spec);
}

function buildCalendar(spec: CalendarSpec): Calendar {
  if (typeof spec !== 'object' || spec === null) throw new WorkingTimeError('spec', `must be an object, got ${describe(spec)}`);
  const { timeZone } = spec;
  if (typeof timeZone !== 'string' || timeZone.trim() === '') {
    throw new WorkingTimeError('timeZone', `must be an IANA time zone name, got ${describe(timeZone)}`);
  }
  let zone: ZoneRules;
  try {
    zone = new ZoneRules(timeZone);
  } catch {
    throw new WorkingTimeError('timeZone', `unknown IANA time zone ${JSON.stringify(timeZone)}`);
  }
  const opens = parseTime(spec.opens, 'opens', false);
  const closes = parseTime(spec.closes, 'closes', true);
  if (closes <= opens) throw new WorkingTimeError('closes', `must be after opens (${spec.opens}), got ${spec.closes}`);
  const holidays = parseDates(spec.holidays, 'holidays');
  const makeUps = parseDates(spec.makeUpWorkdays, 'makeUpWorkdays');
  makeUps.list.forEach((day, i) => {
    const h = holidays.list.indexOf(day);
    if (h >= 0) {
      throw new WorkingTimeError(`makeUpWorkdays[${i}]`, `${isoDate(day)} is also listed in holidays[${h}]; a date is either a holiday or a make-up working day`);
    }
  });
  const frozen: CalendarSpec = Object.freeze({
    timeZone,
    opens: spec.opens,
    closes: spec.closes,
    holidays: Object.freeze([...spec.holidays]) as string[],
    makeUpWorkdays: Object.freeze([...spec.makeUpWorkdays]) as string[],
  });
  return new Calendar(frozen, zone, opens, closes, new Set(holidays.list), new Set(makeUps.list));
}

function parseDates(value: unknown, field: string): { list: number[] } {
  if (!Array.isArray(value)) throw new WorkingTimeError(field, `must be an array of "YYYY-MM-DD" strings, got ${describe(value)}`);
  const list = value.map((v: unknown, i) => {
    const day = parseIsoDate(v);
    if (day === undefined) throw new WorkingTimeError(`${field}[${i}]`, `must be a real date "YYYY-MM-DD", got ${describe(v)}`);
    return day;
  });
  return { list };
}

const calendarsBySpec = new WeakMap<object, Calendar>();

/** The internal calendar; accepts a foreign `{ spec }` object by building (and remembering) one. */
function impl(calendar: WorkingCalendar): Calendar {
  if (calendar instanceof Calendar) return calendar;
  if (typeof calendar !== 'object' || calendar === null) throw new WorkingTimeError('calendar', 'must come from createCalendar()');
  let c = calendarsBySpec.get(calendar);
  if (!c) {
    c = buildCalendar(calendar.spec);
    calendarsBySpec.set(calendar, c);
  }
  return c;
}

function instant(value: Date, field: string, cal: Calendar): number {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new WorkingTimeError(field, 'must be a valid Date');
  if (t < cal.minInstant || t > cal.maxInstant) throw new WorkingTimeError(field, `must be within local years ${MIN_YEAR}-${MAX_YEAR}`);
  return t;
}

/** Checks an untrusted rule (e.g. from an admin form or JSON) and returns a clean copy. */
export function validateDeadlineRule(rule: unknown): DeadlineRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
    throw new WorkingTimeError('rule', `must be an object with a type, got ${describe(rule)}`);
  }
  const r = rule as Record<string, unknown>;
  if (r.type === 'working_minutes') {
    return { type: 'working_minutes', minutes: checkCount(r.minutes, 'minutes', MAX_RULE_MINUTES) };
  }
  if (r.type === 'end_of_working_day') {
    return { type: 'end_of_working_day', days: checkCount(r.days, 'days', MAX_RULE_DAYS) };
  }
  throw new WorkingTimeError('type', `must be "working_minutes" or "end_of_working_day", got ${describe(r.type)}`);
}

function checkCount(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new WorkingTimeError(field, `must be a finite number, got ${describe(value)}`);
  if (!Number.isInteger(value)) throw new WorkingTimeError(field, `must be a whole number, got ${value}`);
  if (value < 0) throw new WorkingTimeError(field, `must not be negative, got ${value}`);
  if (value > max) throw new WorkingTimeError(field, `must be at most ${max}, got ${value}`);
  return value;
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/** The deadline for a submission at `submittedAt` under `rule`. */
export function computeDueAt(submittedAt: Date, rule: DeadlineRule, calendar: WorkingCalendar): Date {
  const cal = impl(calendar);
  const t = instant(submittedAt, 'submittedAt', cal);
  if (rule?.type === 'working_minutes' && isCount(rule.minutes, MAX_RULE_MINUTES)) {
    return new Date(cal.advance(t, rule.minutes * MINUTE_MS));
  }
  if (rule?.type === 'end_of_working_day' && isCount(rule.days, MAX_RULE_DAYS)) {
    return new Date(cal.endOfWorkingDay(t, rule.days));
  }
  validateDeadlineRule(rule); // throws, naming the field
  throw new WorkingTimeError('rule', 'invalid');
}

/** Working ms between two instants (negative when `to` is before `from`). */
export function workingMsBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  const cal = impl(calendar);
  const a = instant(from, 'from', cal);
  const b = instant(to, 'to', cal);
  return a <= b ? cal.workMs(a, b) : 0 - cal.workMs(b, a); // never -0
}

/** Working minutes between two instants: exact (fractional when not whole), negative when `to` is before `from`. */
export function workingMinutesBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  return workingMsBetween(from, to, calendar) / MINUTE_MS;
}

/**
 * The earliest instant at which `share` (0..1) of the working time between submission and
 * due has passed; share 0 is the submission itself. Always within [submittedAt, dueAt].
 */
export function atRiskAt(submittedAt: Date, dueAt: Date, share: number, calendar: WorkingCalendar): Date {
  const cal = impl(calendar);
  const s = instant(submittedAt, 'submittedAt', cal);
  const due = instant(dueAt, 'dueAt', cal);
  if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new WorkingTimeError('share', `must be a number from 0 to 1, got ${describe(share)}`);
  }
  if (due <= s) return new Date(due);
  const total = cal.workMs(s, due);
  const target = Math.max(0, Math.ceil(share * total - 1e-6));
  if (target === 0) return new Date(s);
  return new Date(Math.min(due, Math.max(s, cal.advance(s, target))));
}

/** Whether a local date "YYYY-MM-DD" is a working day in this calendar. */
export function isWorkingDate(date: string, calendar: WorkingCalendar): boolean {
  const day = parseIsoDate(date);
  if (day === undefined) throw new WorkingTimeError('date', `must be a real date "YYYY-MM-DD", got ${describe(date)}`);
  return impl(calendar).isWorkingDay(day);
}

/** The local date "YYYY-MM-DD" of an instant in the calendar's zone. */
export function localDateOf(at: Date, calendar: WorkingCalendar): string {
  const cal = impl(calendar);
  return isoDate(cal.dayOf(instant(at, 'at', cal)));
}

// ---------------------------------------------------------------------------------------
// How a deadline was reached, as facts: i18n/due-explanation-text.ts words them.

/** A calendar day in the calendar's zone; `index` counts days since 1970-01-01, so neighbours differ by one. */
export interface LocalDay {
  index: number;
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** YYYY-MM-DD. */
  iso: string;
}

/** A local day and its minutes since midnight. */
export interface LocalTime extends LocalDay {
  minutes: number;
}

export interface DueExplanation {
  rule: DeadlineRule;
  timeZone: string;
  submitted: LocalTime;
  due: LocalTime;
  /** Working minutes submitted outside working hours: when counting started. */
  countingStarts: LocalTime | null;
  /** End of working day: day 0, when it is not the submission's own date (after the close, or a non-working day). */
  dayZero: LocalDay | null;
  /** The holidays from the submission's date to the due date, in date order. */
  holidays: LocalDay[];
  /** Weekend days in that span that are working days (make-up days), in date order. */
  makeUpDays: LocalDay[];
}

function localDay(index: number): LocalDay {
  const { year, month, day } = civilFromDays(index);
  return { index, year, month, day, weekday: weekdayOf(index), iso: isoDate(index) };
}

/**
 * The facts behind a deadline: the rule, the start, the due instant (local time of the calendar's
 * zone), and the holidays and make-up working days met between the submission's date and the due date.
 */
export function dueExplanation(submittedAt: Date, rule: DeadlineRule, calendar: WorkingCalendar): DueExplanation {
  const cal = impl(calendar);
  const clean = validateDeadlineRule(rule);
  const t = instant(submittedAt, 'submittedAt', cal);
  const due = computeDueAt(submittedAt, clean, cal).getTime();
  const localAt = (x: number): LocalTime => {
    const day = cal.dayOf(x);
    const minutes = Math.floor((x + cal.zone.offsetAt(x) - day * DAY_MS) / MINUTE_MS);
    return { ...localDay(day), minutes: Math.min(Math.max(minutes, 0), 24 * 60 - 1) };
  };
  const firstDay = cal.dayOf(t);
  let countingStarts: LocalTime | null = null;
  let dayZero: LocalDay | null = null;
  if (clean.type === 'working_minutes') {
    const start = cal.advance(t, 0);
    if (start !== t) countingStarts = localAt(start);
  } else {
    const d0 = cal.firstDay(t);
    if (d0 !== firstDay) dayZero = localDay(d0);
  }
  const lastDay = cal.dayOf(due);
  const holidays: LocalDay[] = [];
  const makeUpDays: LocalDay[] = [];
  for (let d = firstDay; d <= lastDay; d++) {
    if (cal.isHoliday(d)) holidays.push(localDay(d));
    else if (cal.isMakeUp(d) && (weekdayOf(d) === 0 || weekdayOf(d) === 6)) makeUpDays.push(localDay(d));
  }
  return { rule: clean, timeZone: cal.spec.timeZone, submitted: localAt(t), due: localAt(due), countingStarts, dayZero, holidays, makeUpDays };
}
