/**
 * Reminder policy (催审): whether a tenant may remind a review now, and if not, why and when.
 *
 * Pure and deterministic: no I/O, no Node built-ins, no clock (the caller passes `now`).
 * Only `Intl.DateTimeFormat` is used, to write times in the calendar's zone. Safe to import
 * from Temporal workflow code.
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
 * Messages are for the tenant, in zh-CN and English. Times are written as "YYYY-MM-DD HH:mm"
 * in the calendar's zone; a `retryAt` with seconds is written rounded UP to the next minute,
 * so a tenant who retries at the written minute is never refused again.
 */
import type { ReviewStatus } from './review.js';
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

export interface ReminderMessage {
  'zh-CN': string;
  en: string;
}

export type ReminderVerdict =
  | { allowed: true; answerDueAt: Date }
  | {
      allowed: false;
      code: ReminderRefusalCode;
      httpStatus: 409 | 429;
      /** When the same reminder may be sent (null: not by waiting). */
      retryAt: Date | null;
      message: ReminderMessage;
    };

// ---------------------------------------------------------------------------------------
// Words for tenants.

const MINUTE_MS = 60_000;

/** What happened to a review that is no longer pending, as a clause. */
const STATUS_WORDS: Record<Exclude<ReviewStatus, 'pending'>, ReminderMessage> = {
  approved: { 'zh-CN': '已审核通过', en: 'it has already been approved' },
  rejected: { 'zh-CN': '已被驳回（驳回原因见审核结果，修改后可重新提交）', en: 'it has already been rejected (see the decision for the reason; you can correct it and submit again)' },
  cancelled: { 'zh-CN': '已取消', en: 'it has been cancelled' },
  withdrawn: { 'zh-CN': '已由您撤回', en: 'you have withdrawn it' },
  provisioning: { 'zh-CN': '已审核通过，号码正在开通中', en: 'it has been approved and the numbers are being provisioned' },
  issued: { 'zh-CN': '已审核通过，号码已下发', en: 'it has been approved and the numbers have been issued' },
  checking: { 'zh-CN': '正在自动检查号码，尚未进入人工审核', en: 'its numbers are still being checked automatically and it has not reached a reviewer yet' },
  completed: { 'zh-CN': '已处理完成', en: 'it has already been completed' },
  partially_succeeded: { 'zh-CN': '已处理完成（部分号码成功，详见处理结果）', en: 'it has already been processed (some numbers succeeded; see the results)' },
  check_failed: { 'zh-CN': '号码检查未通过（详见检查结果）', en: 'its number check failed (see the check results)' },
};

function statusWords(status: string): ReminderMessage {
  const known = (STATUS_WORDS as Record<string, ReminderMessage | undefined>)[status];
  return known ?? { 'zh-CN': `当前状态为“${status}”`, en: `its status is now "${status}"` };
}

/** "2 working hours" / "90 working minutes". */
function workingDuration(minutes: number): ReminderMessage {
  if (minutes > 0 && minutes % 60 === 0) {
    const h = minutes / 60;
    return { 'zh-CN': `${h}个工作小时`, en: `${h} working hour${h === 1 ? '' : 's'}` };
  }
  return { 'zh-CN': `${minutes}个工作分钟`, en: `${minutes} working minute${minutes === 1 ? '' : 's'}` };
}

/** "4 hours" / "90 minutes" of wall-clock time. */
function wallDuration(minutes: number): ReminderMessage {
  if (minutes > 0 && minutes % 60 === 0) {
    const h = minutes / 60;
    return { 'zh-CN': `${h}小时`, en: `${h} hour${h === 1 ? '' : 's'}` };
  }
  return { 'zh-CN': `${minutes}分钟`, en: `${minutes} minute${minutes === 1 ? '' : 's'}` };
}

/** When reminders are answered, e.g. "within 2 working hours of your last reminder". */
function answerWords(rule: DeadlineRule): ReminderMessage {
  if (rule.type === 'working_minutes') {
    const d = workingDuration(rule.minutes);
    return { 'zh-CN': `在最近一次催审后${d['zh-CN']}内`, en: `within ${d.en} of your last reminder` };
  }
  if (rule.days === 0) return { 'zh-CN': '在最近一次催审的当个工作日下班前', en: 'by the end of the working day of your last reminder' };
  if (rule.days === 1) return { 'zh-CN': '在最近一次催审后的下一个工作日下班前', en: 'by the end of the next working day after your last reminder' };
  return { 'zh-CN': `在最近一次催审后${rule.days}个工作日内`, en: `within ${rule.days} working days of your last reminder` };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** "YYYY-MM-DD HH:mm" in `timeZone`; seconds are dropped (round the instant first if needed). */
export function formatLocalMinute(at: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const hour = (parts.hour ?? '00') === '24' ? '00' : (parts.hour ?? '00');
  return `${(parts.year ?? '').padStart(4, '0')}-${parts.month ?? ''}-${parts.day ?? ''} ${hour}:${parts.minute ?? ''}`;
}

/** The instant rounded up to a whole minute, so the written time is never before it. */
function ceilToMinute(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** A time as a tenant reads it: "北京时间2026-10-08 10:00" / "2026-10-08 10:00 Beijing time". */
function timeWords(at: Date, calendar: WorkingCalendar, roundUp: boolean): ReminderMessage {
  const zone = calendar.spec.timeZone;
  const text = formatLocalMinute(roundUp ? ceilToMinute(at) : at, zone);
  if (zone === 'Asia/Shanghai') return { 'zh-CN': `北京时间${text}`, en: `${text} Beijing time` };
  return { 'zh-CN': `${zone}时间${text}`, en: `${text} ${zone} time` };
}

// ---------------------------------------------------------------------------------------
// The verdict.

function refuse(code: ReminderRefusalCode, httpStatus: 409 | 429, retryAt: Date | null, message: ReminderMessage): ReminderVerdict {
  return { allowed: false, code, httpStatus, retryAt, message };
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
  const answer = answerWords(p.answerWithin);

  if (ctx.status !== 'pending') {
    const what = statusWords(ctx.status);
    return refuse('not_pending', 409, null, {
      'zh-CN': `该审核已不在待审状态：${what['zh-CN']}，无需催审。`,
      en: `This review is no longer pending: ${what.en}, so there is nothing to remind.`,
    });
  }

  /** "…will answer within 2 working hours of your last reminder (by 2026-10-08 11:00)"; the time only while it is ahead. */
  const answerBy = (): ReminderMessage => {
    if (last === null) return { 'zh-CN': '', en: '' };
    const due = computeDueAt(last, p.answerWithin, calendar);
    if (due.getTime() < now.getTime()) return { 'zh-CN': '', en: '' };
    const t = timeWords(due, calendar, true);
    return { 'zh-CN': `（${t['zh-CN']}前）`, en: ` (by ${t.en})` };
  };

  if (count >= p.maxPerRound) {
    const n = p.maxPerRound;
    const by = answerBy();
    return refuse('limit_reached', 409, null, {
      'zh-CN': `本次提交您已催审${count}次，每次提交最多可催审${n}次，不能再催审。审核人员已收到您的催审，会${answer['zh-CN']}答复${by['zh-CN']}。`,
      en: `You have already sent ${count} reminder${count === 1 ? '' : 's'} for this submission, and at most ${n} ${n === 1 ? 'is' : 'are'} allowed per submission, so no more can be sent. Our reviewers have been told and will answer ${answer.en}${by.en}.`,
    });
  }

  const pendingMinutes = workingMinutesBetween(submittedAt, now, calendar);
  if (pendingMinutes < p.minPendingWorkingMinutes) {
    const retryAt = computeDueAt(submittedAt, { type: 'working_minutes', minutes: p.minPendingWorkingMinutes }, calendar);
    const need = workingDuration(p.minPendingWorkingMinutes);
    const t = timeWords(retryAt, calendar, true);
    const { opens, closes } = calendar.spec;
    return refuse('too_early', 429, retryAt, {
      'zh-CN': `提交后需等待满${need['zh-CN']}才能催审（工作时间为工作日${opens}-${closes}），自${t['zh-CN']}起可以催审。`,
      en: `A reminder can be sent once a submission has waited ${need.en} (working hours are ${opens}-${closes} on working days). Please try again from ${t.en}.`,
    });
  }

  if (last !== null) {
    const retryAt = new Date(last.getTime() + p.coolDownMinutes * MINUTE_MS);
    if (now.getTime() < retryAt.getTime()) {
      const gap = wallDuration(p.coolDownMinutes);
      const sent = timeWords(last, calendar, false);
      const t = timeWords(retryAt, calendar, true);
      const by = answerBy();
      return refuse('cool_down', 429, retryAt, {
        'zh-CN': `您已于${sent['zh-CN']}催审过，同一审核每${gap['zh-CN']}最多催审一次，自${t['zh-CN']}起可再次催审。审核人员已收到上次催审，会${answer['zh-CN']}答复${by['zh-CN']}。`,
        en: `You sent a reminder for this review at ${sent.en}; a review can be reminded at most once every ${gap.en}. Please try again from ${t.en}. Our reviewers have been told and will answer ${answer.en}${by.en}.`,
      });
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
