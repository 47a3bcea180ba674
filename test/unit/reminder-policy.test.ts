import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_REMINDER_POLICY,
  evaluateReminder,
  ReminderPolicyError,
  retryAfterSeconds,
  validateReminderPolicy,
  type ReminderContext,
  type ReminderPolicy,
  type ReminderVerdict,
} from '../../domain/reminder-policy.js';
import { defaultCalendarSpec } from '../../domain/holidays-cn.js';
import { REVIEW_STATUSES } from '../../domain/review.js';
import { computeDueAt, createCalendar, workingMinutesBetween, type WorkingCalendar } from '../../domain/working-time.js';
import { reminderRefusalText } from '../../i18n/reminder-refusal-text.js';

// The default China calendar (Asia/Shanghai, 09:00-18:00, official schedule). 2026: 1-7 Oct
// and 15-23 Feb are holidays, Sat 10 Oct and Sat 14 Feb are make-up working days.
const cn = createCalendar(defaultCalendarSpec());

/** Shanghai wall time "YYYY-MM-DD HH:mm[:ss[.SSS]]" → instant. */
const sh = (local: string): Date => new Date(`${local.replace(' ', 'T')}+08:00`);
const ms = (d: Date, delta: number): Date => new Date(d.getTime() + delta);
const MIN = 60_000;

const ctx = (over: Partial<ReminderContext> = {}): ReminderContext => ({
  status: 'pending',
  roundSubmittedAt: sh('2026-11-09 09:00'),
  remindersThisRound: 0,
  lastReminderAt: null,
  now: sh('2026-11-09 12:00'),
  ...over,
});

const evaluate = (over: Partial<ReminderContext> = {}, policy: ReminderPolicy = DEFAULT_REMINDER_POLICY, calendar: WorkingCalendar = cn): ReminderVerdict =>
  evaluateReminder(ctx(over), policy, calendar);

type Refusal = Extract<ReminderVerdict, { allowed: false }>;
const refused = (v: ReminderVerdict): Refusal => {
  if (v.allowed) throw new Error(`expected a refusal, got allowed (answer due ${v.answerDueAt.toISOString()})`);
  return v;
};
/** What the tenant reads of a refusal, in one language. */
const said = (v: Refusal, lang: 'zh-CN' | 'en'): string => reminderRefusalText(v.facts, lang);

describe('DEFAULT_REMINDER_POLICY', () => {
  it('when the defaults are read, then they are 60 working minutes, 4 hours, 3 per round and 120 working minutes to answer', () => {
    expect(DEFAULT_REMINDER_POLICY).toEqual({
      minPendingWorkingMinutes: 60,
      coolDownMinutes: 240,
      maxPerRound: 3,
      answerWithin: { type: 'working_minutes', minutes: 120 },
    });
    expect(validateReminderPolicy(DEFAULT_REMINDER_POLICY)).toEqual(DEFAULT_REMINDER_POLICY);
  });
});

describe('too early: the round must have been pending 60 working minutes (default China calendar)', () => {
  interface Case {
    when: string;
    submitted: string;
    at59: string; // 59 working minutes after the submission
    at60: string; // 60 working minutes after: the first instant a reminder is allowed
  }
  const cases: Case[] = [
    { when: 'submitted on an ordinary Wednesday morning', submitted: '2026-11-11 10:00', at59: '2026-11-11 10:59', at60: '2026-11-11 11:00' },
    { when: 'the hour completes exactly at the 18:00 close', submitted: '2026-11-09 17:00', at59: '2026-11-09 17:59', at60: '2026-11-09 18:00' },
    { when: 'the hour runs across a night', submitted: '2026-11-12 17:30', at59: '2026-11-13 09:29', at60: '2026-11-13 09:30' },
    { when: 'submitted late at night', submitted: '2026-11-09 22:00', at59: '2026-11-10 09:59', at60: '2026-11-10 10:00' },
    { when: 'the hour runs across a weekend', submitted: '2026-11-13 17:30', at59: '2026-11-16 09:29', at60: '2026-11-16 09:30' },
    { when: 'submitted on a Saturday', submitted: '2026-11-14 12:00', at59: '2026-11-16 09:59', at60: '2026-11-16 10:00' },
    { when: 'the hour runs across the National Day holiday', submitted: '2026-09-30 17:30', at59: '2026-10-08 09:29', at60: '2026-10-08 09:30' },
    { when: 'submitted on a National Day holiday', submitted: '2026-10-01 10:00', at59: '2026-10-08 09:59', at60: '2026-10-08 10:00' },
    { when: 'the hour runs into the make-up Saturday 10 Oct', submitted: '2026-10-09 17:30', at59: '2026-10-10 09:29', at60: '2026-10-10 09:30' },
    { when: 'the hour runs from the make-up Saturday 14 Feb across Spring Festival', submitted: '2026-02-14 17:30', at59: '2026-02-24 09:29', at60: '2026-02-24 09:30' },
  ];

  for (const c of cases) {
    describe(`when ${c.when} (${c.submitted})`, () => {
      const submitted = sh(c.submitted);

      it(`when it is ${c.at59} (59 working minutes), then the reminder is refused as too_early with retryAt ${c.at60}`, () => {
        expect(workingMinutesBetween(submitted, sh(c.at59), cn)).toBe(59);
        const v = refused(evaluate({ roundSubmittedAt: submitted, now: sh(c.at59) }));
        expect(v.code).toBe('too_early');
        expect(v.httpStatus).toBe(429);
        expect(v.retryAt?.toISOString()).toBe(sh(c.at60).toISOString());
        expect(said(v, 'zh-CN')).toContain(c.at60);
        expect(said(v, 'en')).toContain(c.at60);
      });

      it(`when it is 1 ms before ${c.at60}, then the reminder is still too_early`, () => {
        const v = refused(evaluate({ roundSubmittedAt: submitted, now: ms(sh(c.at60), -1) }));
        expect(v.code).toBe('too_early');
        expect(v.retryAt?.getTime()).toBe(sh(c.at60).getTime());
      });

      it(`when it is exactly ${c.at60} (60 working minutes), then the reminder is allowed`, () => {
        expect(workingMinutesBetween(submitted, sh(c.at60), cn)).toBe(60);
        const v = evaluate({ roundSubmittedAt: submitted, now: sh(c.at60) });
        expect(v).toEqual({ allowed: true, answerDueAt: computeDueAt(sh(c.at60), { type: 'working_minutes', minutes: 120 }, cn) });
      });
    });
  }

  it('when the policy asks for 0 working minutes, then a reminder right after submission is allowed', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, minPendingWorkingMinutes: 0 };
    expect(evaluate({ roundSubmittedAt: sh('2026-11-14 12:00'), now: sh('2026-11-14 12:00') }, policy).allowed).toBe(true);
  });

  it('when the policy asks for 90 working minutes, then retryAt is 90 working minutes after submission, to the millisecond', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, minPendingWorkingMinutes: 90 };
    const submitted = sh('2026-11-09 17:15:20.123');
    const v = refused(evaluate({ roundSubmittedAt: submitted, now: sh('2026-11-10 09:00') }, policy));
    expect(v.code).toBe('too_early');
    expect(v.retryAt?.toISOString()).toBe(sh('2026-11-10 09:45:20.123').toISOString());
    expect(said(v, 'en')).toContain('90 working minutes');
    expect(said(v, 'zh-CN')).toContain('90个工作分钟');
  });
});

describe('cool-down: one reminder per review every 4 hours of wall-clock time', () => {
  const submitted = sh('2026-11-09 09:00');

  it('when it is 1 ms before the last reminder + 4 h, then the reminder is refused as cool_down with retryAt last + 4 h', () => {
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: sh('2026-11-09 10:00'), now: ms(sh('2026-11-09 14:00'), -1) }));
    expect(v.code).toBe('cool_down');
    expect(v.httpStatus).toBe(429);
    expect(v.retryAt?.toISOString()).toBe(sh('2026-11-09 14:00').toISOString());
  });

  it('when it is exactly the last reminder + 4 h, then the reminder is allowed', () => {
    const v = evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: sh('2026-11-09 10:00'), now: sh('2026-11-09 14:00') });
    expect(v).toEqual({ allowed: true, answerDueAt: sh('2026-11-09 16:00') });
  });

  it('when the cool-down ends outside working hours, then it still ends 4 wall-clock hours after the last reminder', () => {
    const last = sh('2026-11-13 17:00'); // Friday
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: last, now: sh('2026-11-13 20:59:59.999') }));
    expect(v.code).toBe('cool_down');
    expect(v.retryAt?.toISOString()).toBe(sh('2026-11-13 21:00').toISOString());
    const ok = evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: last, now: sh('2026-11-13 21:00') });
    expect(ok).toEqual({ allowed: true, answerDueAt: sh('2026-11-16 11:00') }); // 120 working minutes from Friday night
  });

  it('when the last reminder has milliseconds, then retryAt keeps them and the message rounds the minute up', () => {
    const last = sh('2026-11-09 10:00:30.250');
    const now = sh('2026-11-09 11:00');
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: last, now }));
    expect(v.retryAt?.toISOString()).toBe(sh('2026-11-09 14:00:30.250').toISOString());
    expect(said(v, 'zh-CN')).toContain('2026-11-09 14:01');
    expect(said(v, 'en')).toContain('2026-11-09 14:01');
    expect(retryAfterSeconds(v, now)).toBe(3 * 3600 + 31);
  });

  it('when the message is read, then it names the last reminder, the 4-hour rule and the retry time in both languages', () => {
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: sh('2026-11-09 10:00'), now: sh('2026-11-09 11:00') }));
    expect(said(v, 'zh-CN')).toBe(
      '您已于北京时间2026-11-09 10:00催审过，同一审核每4小时最多催审一次，自北京时间2026-11-09 14:00起可再次催审。审核人员已收到上次催审，会在最近一次催审后2个工作小时内答复（北京时间2026-11-09 12:00前）。',
    );
    expect(said(v, 'en')).toBe(
      'You sent a reminder for this review at 2026-11-09 10:00 Beijing time; a review can be reminded at most once every 4 hours. Please try again from 2026-11-09 14:00 Beijing time. Our reviewers have been told and will answer within 2 working hours of your last reminder (by 2026-11-09 12:00 Beijing time).',
    );
  });

  it('when the cool-down is 0 minutes, then a reminder right after the last one is allowed', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, coolDownMinutes: 0 };
    const t = sh('2026-11-09 11:00');
    expect(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: t, now: t }, policy).allowed).toBe(true);
  });

  it('when there was no earlier reminder, then no cool-down applies', () => {
    expect(evaluate({ roundSubmittedAt: submitted, now: sh('2026-11-09 10:00') }).allowed).toBe(true);
  });
});

describe('limit: 3 reminders per round', () => {
  const submitted = sh('2026-11-09 09:00');
  const last = sh('2026-11-09 10:00');
  const now = sh('2026-11-09 14:00');

  it('when 0, 1 or 2 reminders were sent this round, then the next one (up to the 3rd) is allowed', () => {
    for (const count of [0, 1, 2]) {
      expect(evaluate({ roundSubmittedAt: submitted, remindersThisRound: count, lastReminderAt: count === 0 ? null : last, now }).allowed).toBe(true);
    }
  });

  it('when 3 reminders were sent this round, then the 4th is refused as limit_reached (409, no retryAt)', () => {
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 3, lastReminderAt: last, now }));
    expect(v).toMatchObject({ code: 'limit_reached', httpStatus: 409, retryAt: null });
    expect(said(v, 'en')).toContain('already sent 3 reminders for this submission');
    expect(said(v, 'en')).toContain('at most 3 are allowed');
    expect(said(v, 'zh-CN')).toContain('已催审3次');
    expect(said(v, 'zh-CN')).toContain('最多可催审3次');
  });

  it('when the answer to the last reminder is still ahead, then the limit message says by when it will be answered', () => {
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 3, lastReminderAt: sh('2026-11-09 17:00'), now: sh('2026-11-09 17:30') }));
    // 120 working minutes from 17:00: 60 today, 60 tomorrow.
    expect(said(v, 'en')).toContain('within 2 working hours of your last reminder (by 2026-11-10 10:00 Beijing time)');
    expect(said(v, 'zh-CN')).toContain('北京时间2026-11-10 10:00前');
  });

  it('when the answer time has passed, then the limit message gives no time', () => {
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 3, lastReminderAt: last, now: sh('2026-11-10 12:00') }));
    expect(said(v, 'en')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(said(v, 'zh-CN')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('when the policy allows 1 per round, then the 2nd is refused and the message says so in the singular', () => {
    const policy = { ...DEFAULT_REMINDER_POLICY, maxPerRound: 1 };
    expect(evaluate({ roundSubmittedAt: submitted, now }, policy).allowed).toBe(true);
    const v = refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 1, lastReminderAt: last, now }, policy));
    expect(v.code).toBe('limit_reached');
    expect(said(v, 'en')).toContain('already sent 1 reminder for this submission, and at most 1 is allowed');
  });

  it('when more reminders than the limit are recorded (the limit was lowered), then it is still limit_reached', () => {
    expect(refused(evaluate({ roundSubmittedAt: submitted, remindersThisRound: 5, lastReminderAt: last, now })).code).toBe('limit_reached');
  });
});

describe('not pending', () => {
  const notPending = REVIEW_STATUSES.filter((s) => s !== 'pending');
  const words: Record<string, [RegExp, string]> = {
    approved: [/approved/, '审核通过'],
    rejected: [/rejected/, '驳回'],
    cancelled: [/cancelled/, '取消'],
    withdrawn: [/withdrawn/, '撤回'],
    provisioning: [/provisioned/, '开通中'],
    issued: [/issued/, '已下发'],
    checking: [/checked/, '检查'],
    completed: [/completed/, '完成'],
    partially_succeeded: [/some numbers succeeded/, '部分号码成功'],
    check_failed: [/check failed/, '检查未通过'],
  };

  for (const status of notPending) {
    it(`when the review is ${status}, then the reminder is refused as not_pending (409) and the message says what happened`, () => {
      const v = refused(evaluate({ status }));
      expect(v).toMatchObject({ code: 'not_pending', httpStatus: 409, retryAt: null });
      expect(said(v, 'en')).toMatch(/^This review is no longer pending: /);
      expect(said(v, 'zh-CN')).toMatch(/^该审核已不在待审状态：/);
      const [en, zh] = words[status] ?? [/$^/, '\u0000'];
      expect(said(v, 'en')).toMatch(en);
      expect(said(v, 'zh-CN')).toContain(zh);
      expect(said(v, 'en')).not.toContain(`"${status}"`); // words, not the code
    });
  }

  it('when the statuses are compared, then each has its own message', () => {
    const messages = notPending.map((status) => refused(evaluate({ status }))).map((v) => ({ en: said(v, 'en'), 'zh-CN': said(v, 'zh-CN') }));
    expect(new Set(messages.map((m) => m.en)).size).toBe(notPending.length);
    expect(new Set(messages.map((m) => m['zh-CN'])).size).toBe(notPending.length);
  });

  it('when the status is unknown, then it is refused as not_pending and the message quotes it', () => {
    const v = refused(evaluate({ status: 'frozen' }));
    expect(v.code).toBe('not_pending');
    expect(said(v, 'en')).toContain('"frozen"');
    expect(said(v, 'zh-CN')).toContain('frozen');
  });
});

describe('order of checks: not_pending, limit_reached, too_early, cool_down', () => {
  const submitted = sh('2026-11-09 09:00');
  const early = sh('2026-11-09 09:30'); // 30 working minutes: too early
  const recent = sh('2026-11-09 09:20'); // cool-down runs until 13:20
  const cases: { when: string; over: Partial<ReminderContext>; code: string }[] = [
    { when: 'every reason applies', over: { status: 'approved', remindersThisRound: 3, lastReminderAt: recent, now: early }, code: 'not_pending' },
    { when: 'the limit, too early and cool-down apply', over: { remindersThisRound: 3, lastReminderAt: recent, now: early }, code: 'limit_reached' },
    { when: 'too early and cool-down apply', over: { remindersThisRound: 1, lastReminderAt: recent, now: early }, code: 'too_early' },
    { when: 'only the cool-down applies', over: { remindersThisRound: 1, lastReminderAt: recent, now: sh('2026-11-09 11:00') }, code: 'cool_down' },
    { when: 'not pending and the limit apply', over: { status: 'rejected', remindersThisRound: 3, lastReminderAt: recent, now: sh('2026-11-09 16:00') }, code: 'not_pending' },
    { when: 'the limit and cool-down apply', over: { remindersThisRound: 3, lastReminderAt: recent, now: sh('2026-11-09 11:00') }, code: 'limit_reached' },
  ];
  for (const c of cases) {
    it(`when ${c.when}, then the verdict is ${c.code}`, () => {
      expect(refused(evaluate({ roundSubmittedAt: submitted, ...c.over })).code).toBe(c.code);
    });
  }
});

describe('allowed: the answer deadline', () => {
  it('when a reminder is allowed late on a Wednesday, then it must be answered 120 working minutes later, the next morning', () => {
    expect(evaluate({ roundSubmittedAt: sh('2026-11-09 09:00'), now: sh('2026-11-11 17:00') })).toEqual({ allowed: true, answerDueAt: sh('2026-11-12 10:00') });
  });

  it('when a reminder is allowed just before National Day, then the answer is due after the holiday', () => {
    expect(evaluate({ roundSubmittedAt: sh('2026-09-28 09:00'), now: sh('2026-09-30 17:00') })).toEqual({ allowed: true, answerDueAt: sh('2026-10-08 10:00') });
  });

  it('when the policy says end of the next working day, then the answer is due at the next close', () => {
    const policy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, answerWithin: { type: 'end_of_working_day', days: 1 } };
    expect(evaluate({ now: sh('2026-11-09 12:00') }, policy)).toEqual({ allowed: true, answerDueAt: sh('2026-11-10 18:00') });
    const v = refused(evaluate({ remindersThisRound: 1, lastReminderAt: sh('2026-11-09 11:00'), now: sh('2026-11-09 12:00') }, policy));
    expect(said(v, 'en')).toContain('by the end of the next working day after your last reminder (by 2026-11-10 18:00 Beijing time)');
  });
});

describe('messages in another time zone', () => {
  it('when the calendar is America/New_York, then times are written in New York local time and name the zone', () => {
    const ny = createCalendar({ timeZone: 'America/New_York', opens: '09:00', closes: '18:00', holidays: [], makeUpWorkdays: [] });
    // Mon 9 Nov 2026, EST (UTC-5).
    const v = refused(evaluateReminder(ctx({ roundSubmittedAt: new Date('2026-11-09T09:00:00-05:00'), now: new Date('2026-11-09T09:30:00-05:00') }), DEFAULT_REMINDER_POLICY, ny));
    expect(v.retryAt?.toISOString()).toBe('2026-11-09T15:00:00.000Z');
    expect(said(v, 'en')).toContain('2026-11-09 10:00 America/New_York time');
    expect(said(v, 'zh-CN')).toContain('America/New_York时间2026-11-09 10:00');
  });
});

describe('retryAfterSeconds', () => {
  const now = sh('2026-11-09 11:00');
  const refusal = (retryAt: Date | null): ReminderVerdict => ({ allowed: false, code: 'too_early', httpStatus: 429, retryAt, facts: { timeZone: 'Asia/Shanghai', code: 'too_early', waitWorkingMinutes: 60, opens: '09:00', closes: '18:00', retryAt: retryAt ?? now } });

  it('when the reminder is allowed, then there is no Retry-After', () => {
    expect(retryAfterSeconds({ allowed: true, answerDueAt: now }, now)).toBeNull();
  });

  it('when the refusal has no retryAt (limit or not pending), then there is no Retry-After', () => {
    expect(retryAfterSeconds(refusal(null), now)).toBeNull();
  });

  it('when retryAt is a whole number of seconds away, then Retry-After is that number', () => {
    expect(retryAfterSeconds(refusal(ms(now, 60_000)), now)).toBe(60);
  });

  it('when retryAt is a fraction of a second past a whole second, then Retry-After rounds up', () => {
    expect(retryAfterSeconds(refusal(ms(now, 1_001)), now)).toBe(2);
    expect(retryAfterSeconds(refusal(ms(now, 1)), now)).toBe(1);
  });

  it('when retryAt is now or already past, then Retry-After is 1', () => {
    expect(retryAfterSeconds(refusal(now), now)).toBe(1);
    expect(retryAfterSeconds(refusal(ms(now, -5_000)), now)).toBe(1);
  });

  it('when a too_early verdict is at 59 working minutes, then Retry-After is exactly 60 seconds', () => {
    const v = evaluate({ roundSubmittedAt: sh('2026-11-09 09:00'), now: sh('2026-11-09 09:59') });
    expect(retryAfterSeconds(v, sh('2026-11-09 09:59'))).toBe(60);
  });
});

describe('validateReminderPolicy', () => {
  const bad: { when: string; policy: unknown; field: string }[] = [
    { when: 'the policy is null', policy: null, field: 'policy' },
    { when: 'the policy is an array', policy: [], field: 'policy' },
    { when: 'minPendingWorkingMinutes is missing', policy: { ...DEFAULT_REMINDER_POLICY, minPendingWorkingMinutes: undefined }, field: 'minPendingWorkingMinutes' },
    { when: 'minPendingWorkingMinutes is negative', policy: { ...DEFAULT_REMINDER_POLICY, minPendingWorkingMinutes: -1 }, field: 'minPendingWorkingMinutes' },
    { when: 'minPendingWorkingMinutes is fractional', policy: { ...DEFAULT_REMINDER_POLICY, minPendingWorkingMinutes: 59.5 }, field: 'minPendingWorkingMinutes' },
    { when: 'minPendingWorkingMinutes is beyond ten years', policy: { ...DEFAULT_REMINDER_POLICY, minPendingWorkingMinutes: 1e9 }, field: 'minPendingWorkingMinutes' },
    { when: 'coolDownMinutes is a string', policy: { ...DEFAULT_REMINDER_POLICY, coolDownMinutes: '240' }, field: 'coolDownMinutes' },
    { when: 'coolDownMinutes is NaN', policy: { ...DEFAULT_REMINDER_POLICY, coolDownMinutes: Number.NaN }, field: 'coolDownMinutes' },
    { when: 'coolDownMinutes is negative', policy: { ...DEFAULT_REMINDER_POLICY, coolDownMinutes: -240 }, field: 'coolDownMinutes' },
    { when: 'maxPerRound is 0', policy: { ...DEFAULT_REMINDER_POLICY, maxPerRound: 0 }, field: 'maxPerRound' },
    { when: 'maxPerRound is Infinity', policy: { ...DEFAULT_REMINDER_POLICY, maxPerRound: Number.POSITIVE_INFINITY }, field: 'maxPerRound' },
    { when: 'maxPerRound is 2.5', policy: { ...DEFAULT_REMINDER_POLICY, maxPerRound: 2.5 }, field: 'maxPerRound' },
    { when: 'answerWithin is missing', policy: { ...DEFAULT_REMINDER_POLICY, answerWithin: undefined }, field: 'answerWithin' },
    { when: 'answerWithin has an unknown type', policy: { ...DEFAULT_REMINDER_POLICY, answerWithin: { type: 'weeks', weeks: 1 } }, field: 'answerWithin.type' },
    { when: 'answerWithin has negative minutes', policy: { ...DEFAULT_REMINDER_POLICY, answerWithin: { type: 'working_minutes', minutes: -5 } }, field: 'answerWithin.minutes' },
    { when: 'answerWithin has fractional days', policy: { ...DEFAULT_REMINDER_POLICY, answerWithin: { type: 'end_of_working_day', days: 0.5 } }, field: 'answerWithin.days' },
  ];
  for (const c of bad) {
    it(`when ${c.when}, then it throws an error naming ${c.field}`, () => {
      let caught: unknown;
      try {
        validateReminderPolicy(c.policy);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ReminderPolicyError);
      expect((caught as ReminderPolicyError).field).toBe(c.field);
      expect((caught as Error).message.startsWith(`${c.field}: `)).toBe(true);
    });
  }

  it('when the policy is valid with extra fields, then a clean copy without them is returned', () => {
    const input = { minPendingWorkingMinutes: 0, coolDownMinutes: 0, maxPerRound: 1, answerWithin: { type: 'end_of_working_day', days: 0, note: 'x' }, extra: true };
    expect(validateReminderPolicy(input)).toEqual({ minPendingWorkingMinutes: 0, coolDownMinutes: 0, maxPerRound: 1, answerWithin: { type: 'end_of_working_day', days: 0 } });
  });

  it('when evaluateReminder gets an invalid policy, then it throws naming the field', () => {
    expect(() => evaluate({}, { ...DEFAULT_REMINDER_POLICY, maxPerRound: 0 })).toThrow(/^maxPerRound: /);
  });

  it('when evaluateReminder gets an invalid date, then it throws naming it', () => {
    expect(() => evaluate({ now: new Date(Number.NaN) })).toThrow(/^now: /);
    expect(() => evaluate({ lastReminderAt: new Date(Number.NaN) })).toThrow(/^lastReminderAt: /);
    expect(() => evaluate({ remindersThisRound: -1 })).toThrow(/^remindersThisRound: /);
  });
});

describe('properties', () => {
  const from = sh('2025-01-01 00:00').getTime();
  const to = sh('2026-12-01 00:00').getTime();
  const arbitraries = {
    submitted: fc.integer({ min: from, max: to }),
    nowAfter: fc.integer({ min: 0, max: 20 * 24 * 60 * MIN }),
    lastBefore: fc.option(fc.integer({ min: 0, max: 12 * 60 * MIN }), { nil: null }),
    count: fc.integer({ min: 0, max: 5 }),
    policy: fc.record({
      minPendingWorkingMinutes: fc.integer({ min: 0, max: 1200 }),
      coolDownMinutes: fc.integer({ min: 0, max: 24 * 60 }),
      maxPerRound: fc.integer({ min: 1, max: 5 }),
      answerWithin: fc.constant(DEFAULT_REMINDER_POLICY.answerWithin),
    }),
  };

  it('when a verdict is refused with retryAt, then at retryAt (same counts) it is not refused for the same reason, and 1 ms before it still is', () => {
    const seen: Record<string, number> = {};
    fc.assert(
      fc.property(arbitraries.submitted, arbitraries.nowAfter, arbitraries.lastBefore, arbitraries.count, arbitraries.policy, (s, after, lastBefore, count, policy) => {
        const now = new Date(s + after);
        const base: ReminderContext = {
          status: 'pending',
          roundSubmittedAt: new Date(s),
          remindersThisRound: count,
          lastReminderAt: lastBefore === null ? null : new Date(Math.max(s, s + after - lastBefore)),
          now,
        };
        const v = evaluateReminder(base, policy, cn);
        const key = v.allowed ? 'allowed' : v.code;
        seen[key] = (seen[key] ?? 0) + 1;
        if (v.allowed || v.retryAt === null) return;
        expect(v.retryAt.getTime()).toBeGreaterThan(now.getTime());
        const at = evaluateReminder({ ...base, now: v.retryAt }, policy, cn);
        expect(at.allowed || at.code !== v.code).toBe(true);
        const before = evaluateReminder({ ...base, now: ms(v.retryAt, -1) }, policy, cn);
        expect(before.allowed ? 'allowed' : before.code).toBe(v.code);
        const seconds = retryAfterSeconds(v, now);
        expect(seconds).not.toBeNull();
        expect(now.getTime() + (seconds ?? 0) * 1000).toBeGreaterThanOrEqual(v.retryAt.getTime());
      }),
      { numRuns: 500 },
    );
    // The generators reach every outcome that has a retryAt, and the others too.
    for (const key of ['allowed', 'too_early', 'cool_down', 'limit_reached']) expect(seen[key] ?? 0).toBeGreaterThan(10);
  });
});
