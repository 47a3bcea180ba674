/**
 * Reminder policy (催审): whether a tenant may remind a review now, and if not, why and when.
 *
 * Pure and deterministic: no I/O, no Node built-ins, no clock (the caller passes `now`). Safe
 * to import from Temporal workflow code.
 *
 * Checks, in this order:
 * 1. `not_pending` (409): only a `pending` review may be reminded.
 * 2. `limit_reached` (409): at most `maxPerRound` reminders per round (submission).
 * 3. `too_early` (429): the round must have been pending `minPendingWorkingMinutes` of
 *    working time; `retryAt` is the instant that much working time has passed
 *    (`computeDueAt(roundSubmittedAt, working_minutes M)`). Exactly at it is allowed.
 * 4. `cool_down` (429): at most one reminder per review every `coolDownMinutes` of wall-clock
 *    time; `retryAt = lastReminderAt + coolDownMinutes`. Exactly at it is allowed.
 * Allowed: the reminder must be answered by `computeDueAt(now, answerWithin)`.
 *
 * A refusal carries its facts (codes, counts, instants, the calendar's zone); the tenant reads
 * them worded by i18n/reminder-refusal-text.ts.
 */
import {
  computeDueAt,
  MAX_RULE_MINUTES,
  validateDeadlineRule,
  workingMinutesBetween,
  WorkingTimeError,
  type DeadlineRule,
  type WorkingCalendar,
} from './working-time.js';

export interface ReminderPolicy {
  /** A review must have been pending this much working time (default 60). */
  minPendingWorkingMinutes: number;
  /** Wall-clock minutes between two reminders on one review (default 240). */
  coolDownMinutes: number;
  /** Reminders allowed per round (default 3). */
  maxPerRound: number;
  /** When a reminder must be answered (default 120 working minutes). */
  answerWithin: DeadlineRule;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = Object.freeze({
  minPendingWorkingMinutes: 60,
  coolDownMinutes: 240,
  maxPerRound: 3,
  answerWithin: Object.freeze<DeadlineRule>({ type: 'working_minutes', minutes: 120 }),
});

/** Invalid reminder policy; `field` names the offending field, e.g. `answerWithin.minutes`. */
export class ReminderPolicyError extends Error {
  field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ReminderPolicyError';
    this.field = field;
  }
}

/** Largest `maxPerRound` accepted: far beyond any sensible policy, small enough to show. */
export const MAX_REMINDERS_PER_ROUND = 1000;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function checkInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ReminderPolicyError(field, `must be a whole number, got ${describe(value)}`);
  if (!Number.isInteger(value)) throw new ReminderPolicyError(field, `must be a whole number, got ${value}`);
  if (value < min) throw new ReminderPolicyError(field, min === 0 ? `must not be negative, got ${value}` : `must be at least ${min}, got ${value}`);
  if (value > max) throw new ReminderPolicyError(field, `must be at most ${max}, got ${value}`);
  return value;
}

/**
 * Checks an untrusted policy (admin form, JSON from the database) and returns a clean copy.
 * Minutes are whole numbers from 0 to ten years' worth (`MAX_RULE_MINUTES`), `maxPerRound`
 * from 1 to `MAX_REMINDERS_PER_ROUND`, `answerWithin` a valid deadline rule. Unknown extra
 * fields are dropped.
 */
export function validateReminderPolicy(p: unknown): ReminderPolicy {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new ReminderPolicyError('policy', `must be an object, got ${describe(p)}`);
  const r = p as Record<string, unknown>;
  const minPendingWorkingMinutes = checkInt(r.minPendingWorkingMinutes, 'minPendingWorkingMinutes', 0, MAX_RULE_MINUTES);
  const coolDownMinutes = checkInt(r.coolDownMinutes, 'coolDownMinutes', 0, MAX_RULE_MINUTES);
  const maxPerRound = checkInt(r.maxPerRound, 'maxPerRound', 1, MAX_REMINDERS_PER_ROUND);
  let answerWithin: DeadlineRule;
  try {
    answerWithin = validateDeadlineRule(r.answerWithin);
  } catch (err) {
    if (err instanceof WorkingTimeError) {
      const field = err.field === 'rule' ? 'answerWithin' : `answerWithin.${err.field}`;
      throw new ReminderPolicyError(field, err.message.slice(err.field.length + 2));
    }
    throw err;
  }
  return { minPendingWorkingMinutes, coolDownMinutes, maxPerRound, answerWithin };
}

export interface ReminderContext {
  /** Review status; only 'pending' may be reminded. */
  status: string;
  /** When the current round was submitted. */
  roundSubmittedAt: Date;
  /** Reminders accepted so far in this round. */
  remindersThisRound: number;
  /** Last accepted reminder of this review in this round. */
  lastReminderAt: Date | null;
  now: Date;
}

export type ReminderRefusalCode = 'not_pending' | 'too_early' | 'cool_down' | 'limit_reached';

/**
 * Why a reminder was refused, as facts for i18n/reminder-refusal-text.ts to word. Times are
 * instants; `timeZone` is the calendar's, in which the tenant reads them.
 */
export type ReminderRefusalFacts = { timeZone: string } & (
  | { code: 'not_pending'; status: string }
  | { code: 'limit_reached'; count: number; max: number; answerWithin: DeadlineRule; answerBy: Date | null }
  | { code: 'too_early'; waitWorkingMinutes: number; opens: string; closes: string; retryAt: Date }
  | { code: 'cool_down'; lastAt: Date; coolDownMinutes: number; retryAt: Date; answerWithin: DeadlineRule; answerBy: Date | null }
);

export type ReminderVerdict =
  | { allowed: true; answerDueAt: Date }
  | {
      allowed: false;
      code: ReminderRefusalCode;
      httpStatus: 409 | 429;
      /** When the same reminder may be sent (null: not by waiting). */
      retryAt: Date | null;
      facts: ReminderRefusalFacts;
    };

const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------
// The verdict.

function refuse(httpStatus: 409 | 429, retryAt: Date | null, facts: ReminderRefusalFacts): ReminderVerdict {
  return { allowed: false, code: facts.code, httpStatus, retryAt, facts };
}

function checkDate(value: unknown, field: string): Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) throw new Error(`${field}: must be a valid Date, got ${describe(value)}`);
  return value;
}

/** Decides whether a reminder may be sent now (see the module comment for the rules). */
export function evaluateReminder(ctx: ReminderContext, policy: ReminderPolicy, calendar: WorkingCalendar): ReminderVerdict {
  const p = validateReminderPolicy(policy);
  const now = checkDate(ctx.now, 'now');
  const submittedAt = checkDate(ctx.roundSubmittedAt, 'roundSubmittedAt');
  const last = ctx.lastReminderAt === null ? null : checkDate(ctx.lastReminderAt, 'lastReminderAt');
  const count = ctx.remindersThisRound;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new Error(`remindersThisRound: must be a whole number >= 0, got ${describe(count)}`);
  }
  const timeZone = calendar.spec.timeZone;

  if (ctx.status !== 'pending') return refuse(409, null, { timeZone, code: 'not_pending', status: ctx.status });

  /** When the last reminder will be answered, while that is still ahead. */
  const answerBy = (): Date | null => {
    if (last === null) return null;
    const due = computeDueAt(last, p.answerWithin, calendar);
    return due.getTime() < now.getTime() ? null : due;
  };

  if (count >= p.maxPerRound) {
    return refuse(409, null, { timeZone, code: 'limit_reached', count, max: p.maxPerRound, answerWithin: p.answerWithin, answerBy: answerBy() });
  }

  const pendingMinutes = workingMinutesBetween(submittedAt, now, calendar);
  if (pendingMinutes < p.minPendingWorkingMinutes) {
    const retryAt = computeDueAt(submittedAt, { type: 'working_minutes', minutes: p.minPendingWorkingMinutes }, calendar);
    const { opens, closes } = calendar.spec;
    return refuse(429, retryAt, { timeZone, code: 'too_early', waitWorkingMinutes: p.minPendingWorkingMinutes, opens, closes, retryAt });
  }

  if (last !== null) {
    const retryAt = new Date(last.getTime() + p.coolDownMinutes * MINUTE_MS);
    if (now.getTime() < retryAt.getTime()) {
      return refuse(429, retryAt, { timeZone, code: 'cool_down', lastAt: last, coolDownMinutes: p.coolDownMinutes, retryAt, answerWithin: p.answerWithin, answerBy: answerBy() });
    }
  }

  return { allowed: true, answerDueAt: computeDueAt(now, p.answerWithin, calendar) };
}

/** Seconds for an HTTP `Retry-After` header: ceil of the wait until `retryAt`, at least 1; null when waiting does not help. */
export function retryAfterSeconds(verdict: ReminderVerdict, now: Date): number | null {
  if (verdict.allowed || verdict.retryAt === null) return null;
  const seconds = Math.ceil((verdict.retryAt.getTime() - now.getTime()) / 1000);
  return Number.isFinite(seconds) ? Math.max(1, seconds) : 1;
}
