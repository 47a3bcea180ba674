import type { Language } from '../domain/labels.js';
import type { ReminderRefusalFacts } from '../domain/reminder-policy.js';
import type { ReviewStatus } from '../domain/review.js';
import type { DeadlineRule } from '../domain/working-time.js';

/**
 * A refused reminder in the tenant's words. Times are written as "YYYY-MM-DD HH:mm" in the
 * calendar's zone; a retry time with seconds is written rounded UP to the next minute, so a
 * tenant who retries at the written minute is never refused again.
 */

type Both = Record<Language, string>;

const MINUTE_MS = 60_000;

/** What happened to a review that is no longer pending, as a clause. */
const STATUS_WORDS: Record<Exclude<ReviewStatus, 'pending'>, Both> = {
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

function statusWords(status: string): Both {
  const known = (STATUS_WORDS as Record<string, Both | undefined>)[status];
  return known ?? { 'zh-CN': `当前状态为“${status}”`, en: `its status is now "${status}"` };
}

/** "2 working hours" / "90 working minutes". */
function workingDuration(minutes: number): Both {
  if (minutes > 0 && minutes % 60 === 0) {
    const h = minutes / 60;
    return { 'zh-CN': `${h}个工作小时`, en: `${h} working hour${h === 1 ? '' : 's'}` };
  }
  return { 'zh-CN': `${minutes}个工作分钟`, en: `${minutes} working minute${minutes === 1 ? '' : 's'}` };
}

/** "4 hours" / "90 minutes" of wall-clock time. */
function wallDuration(minutes: number): Both {
  if (minutes > 0 && minutes % 60 === 0) {
    const h = minutes / 60;
    return { 'zh-CN': `${h}小时`, en: `${h} hour${h === 1 ? '' : 's'}` };
  }
  return { 'zh-CN': `${minutes}分钟`, en: `${minutes} minute${minutes === 1 ? '' : 's'}` };
}

/** When reminders are answered, e.g. "within 2 working hours of your last reminder". */
function answerWords(rule: DeadlineRule): Both {
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
function timeWords(at: Date, zone: string, roundUp: boolean): Both {
  const text = formatLocalMinute(roundUp ? ceilToMinute(at) : at, zone);
  if (zone === 'Asia/Shanghai') return { 'zh-CN': `北京时间${text}`, en: `${text} Beijing time` };
  return { 'zh-CN': `${zone}时间${text}`, en: `${text} ${zone} time` };
}

/** "…will answer within 2 working hours of your last reminder (by 2026-10-08 11:00)"; the time only while it is ahead. */
function answerByWords(answerBy: Date | null, zone: string): Both {
  if (answerBy === null) return { 'zh-CN': '', en: '' };
  const t = timeWords(answerBy, zone, true);
  return { 'zh-CN': `（${t['zh-CN']}前）`, en: ` (by ${t.en})` };
}

function refusalWords(f: ReminderRefusalFacts): Both {
  const zone = f.timeZone;
  switch (f.code) {
    case 'not_pending': {
      const what = statusWords(f.status);
      return {
        'zh-CN': `该审核已不在待审状态：${what['zh-CN']}，无需催审。`,
        en: `This review is no longer pending: ${what.en}, so there is nothing to remind.`,
      };
    }
    case 'limit_reached': {
      const { count, max: n } = f;
      const answer = answerWords(f.answerWithin);
      const by = answerByWords(f.answerBy, zone);
      return {
        'zh-CN': `本次提交您已催审${count}次，每次提交最多可催审${n}次，不能再催审。审核人员已收到您的催审，会${answer['zh-CN']}答复${by['zh-CN']}。`,
        en: `You have already sent ${count} reminder${count === 1 ? '' : 's'} for this submission, and at most ${n} ${n === 1 ? 'is' : 'are'} allowed per submission, so no more can be sent. Our reviewers have been told and will answer ${answer.en}${by.en}.`,
      };
    }
    case 'too_early': {
      const need = workingDuration(f.waitWorkingMinutes);
      const t = timeWords(f.retryAt, zone, true);
      const { opens, closes } = f;
      return {
        'zh-CN': `提交后需等待满${need['zh-CN']}才能催审（工作时间为工作日${opens}-${closes}），自${t['zh-CN']}起可以催审。`,
        en: `A reminder can be sent once a submission has waited ${need.en} (working hours are ${opens}-${closes} on working days). Please try again from ${t.en}.`,
      };
    }
    case 'cool_down': {
      const gap = wallDuration(f.coolDownMinutes);
      const sent = timeWords(f.lastAt, zone, false);
      const t = timeWords(f.retryAt, zone, true);
      const answer = answerWords(f.answerWithin);
      const by = answerByWords(f.answerBy, zone);
      return {
        'zh-CN': `您已于${sent['zh-CN']}催审过，同一审核每${gap['zh-CN']}最多催审一次，自${t['zh-CN']}起可再次催审。审核人员已收到上次催审，会${answer['zh-CN']}答复${by['zh-CN']}。`,
        en: `You sent a reminder for this review at ${sent.en}; a review can be reminded at most once every ${gap.en}. Please try again from ${t.en}. Our reviewers have been told and will answer ${answer.en}${by.en}.`,
      };
    }
  }
}

/** Why a reminder was refused, in the reader's language. */
export function reminderRefusalText(facts: ReminderRefusalFacts, lang: Language): string {
  return refusalWords(facts)[lang];
}
