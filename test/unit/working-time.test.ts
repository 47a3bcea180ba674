import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  atRiskAt,
  computeDueAt,
  createCalendar,
  isWorkingDate,
  localDateOf,
  validateDeadlineRule,
  workingMinutesBetween,
  workingMsBetween,
  WorkingTimeError,
  type CalendarSpec,
  type DeadlineRule,
} from '../../domain/working-time.js';
import { explainDueAt } from '../../i18n/due-explanation-text.js';

// Mainland China 2026 (State Council notice): kept literal here so these
// tests do not depend on the holiday package (holidays-cn.test.ts checks that one).
const CN_2026: CalendarSpec = {
  timeZone: 'Asia/Shanghai',
  opens: '09:00',
  closes: '18:00',
  holidays: [
    '2026-01-01', '2026-01-02', '2026-01-03',
    '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    '2026-04-04', '2026-04-05', '2026-04-06',
    '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
    '2026-06-19', '2026-06-20', '2026-06-21',
    '2026-09-25', '2026-09-26', '2026-09-27',
    '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  makeUpWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};
const cn = createCalendar(CN_2026);

const plainSpec = (timeZone: string, extra: Partial<CalendarSpec> = {}): CalendarSpec => ({
  timeZone,
  opens: '09:00',
  closes: '18:00',
  holidays: [],
  makeUpWorkdays: [],
  ...extra,
});

/** Shanghai wall time "YYYY-MM-DD HH:MM" → instant. */
const sh = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);
/** Instant → Shanghai wall time "YYYY-MM-DD HH:MM". */
const shLocal = (d: Date): string => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

const wm = (minutes: number): DeadlineRule => ({ type: 'working_minutes', minutes });
const eod = (days: number): DeadlineRule => ({ type: 'end_of_working_day', days });
const ruleText = (r: DeadlineRule): string => (r.type === 'working_minutes' ? `working_minutes ${r.minutes}` : `end_of_working_day ${r.days}`);

interface Case {
  when: string; // what is special about the submission
  at: string; // Shanghai wall time
  rule: DeadlineRule;
  due: string; // Shanghai wall time
}

const shanghaiCases: Case[] = [
  // Window edges on an ordinary Monday (9 Nov 2026).
  { when: 'submitted exactly at the opening', at: '2026-11-09 09:00', rule: wm(60), due: '2026-11-09 10:00' },
  { when: 'submitted one minute before the opening', at: '2026-11-09 08:59', rule: wm(60), due: '2026-11-09 10:00' },
  { when: 'submitted one minute after the opening', at: '2026-11-09 09:01', rule: wm(60), due: '2026-11-09 10:01' },
  { when: 'the count completes exactly at the close', at: '2026-11-09 17:59', rule: wm(1), due: '2026-11-09 18:00' },
  { when: 'the count runs one minute past the close', at: '2026-11-09 17:59', rule: wm(2), due: '2026-11-10 09:01' },
  { when: 'submitted exactly at the close', at: '2026-11-09 18:00', rule: wm(1), due: '2026-11-10 09:01' },
  { when: 'submitted one minute after the close', at: '2026-11-09 18:01', rule: wm(60), due: '2026-11-10 10:00' },
  { when: 'a full window is counted from the opening', at: '2026-11-09 09:00', rule: wm(540), due: '2026-11-09 18:00' },
  { when: 'a full window is counted from before the opening', at: '2026-11-09 07:00', rule: wm(540), due: '2026-11-09 18:00' },
  { when: 'a full window is counted from midday', at: '2026-11-09 12:00', rule: wm(540), due: '2026-11-10 12:00' },
  { when: 'submitted just before midnight', at: '2026-11-09 23:59', rule: wm(30), due: '2026-11-10 09:30' },
  // Weekends.
  { when: 'the count crosses a weekend', at: '2026-11-13 17:00', rule: wm(120), due: '2026-11-16 10:00' },
  { when: 'submitted on a Saturday', at: '2026-11-14 10:00', rule: wm(60), due: '2026-11-16 10:00' },
  { when: 'submitted late on a Sunday', at: '2026-11-15 23:59', rule: wm(1), due: '2026-11-16 09:01' },
  // National Day 2026: 1-7 Oct off, Sun 20 Sep and Sat 10 Oct working.
  { when: 'submitted before National Day (documented example)', at: '2026-09-30 17:00', rule: wm(540), due: '2026-10-08 17:00' },
  { when: 'submitted on a National Day holiday', at: '2026-10-01 10:00', rule: wm(60), due: '2026-10-08 10:00' },
  { when: 'submitted on the make-up Saturday 10 Oct', at: '2026-10-10 10:00', rule: wm(60), due: '2026-10-10 11:00' },
  { when: 'the count runs from Friday into the make-up Saturday', at: '2026-10-09 17:00', rule: wm(120), due: '2026-10-10 10:00' },
  { when: 'submitted on the make-up Sunday 20 Sep', at: '2026-09-20 09:00', rule: wm(540), due: '2026-09-20 18:00' },
  { when: 'three working days are counted across National Day', at: '2026-09-29 12:00', rule: wm(3 * 540), due: '2026-10-09 12:00' },
  // Spring Festival 2026: 15-23 Feb off, Sat 14 Feb and Sat 28 Feb working.
  { when: 'the count runs from Friday into the make-up Saturday 14 Feb', at: '2026-02-13 17:00', rule: wm(120), due: '2026-02-14 10:00' },
  { when: 'the count runs from the make-up Saturday across Spring Festival', at: '2026-02-14 17:00', rule: wm(120), due: '2026-02-24 10:00' },
  { when: 'submitted during Spring Festival', at: '2026-02-18 11:00', rule: wm(540), due: '2026-02-24 18:00' },
  { when: 'the count runs into the make-up Saturday 28 Feb', at: '2026-02-27 17:30', rule: wm(60), due: '2026-02-28 09:30' },
  // Zero rules: counting starts at the next opening, so 0 minutes is that opening (or the submission itself inside a window).
  { when: 'working_minutes 0 is submitted before the opening', at: '2026-11-09 07:00', rule: wm(0), due: '2026-11-09 09:00' },
  { when: 'working_minutes 0 is submitted inside the window', at: '2026-11-09 12:34', rule: wm(0), due: '2026-11-09 12:34' },
  { when: 'working_minutes 0 is submitted exactly at the close', at: '2026-11-09 18:00', rule: wm(0), due: '2026-11-10 09:00' },
  { when: 'working_minutes 0 is submitted on a Saturday', at: '2026-11-14 12:00', rule: wm(0), due: '2026-11-16 09:00' },
  // end_of_working_day.
  { when: 'submitted after the close on the Friday before a make-up Saturday (documented example)', at: '2026-02-13 19:30', rule: eod(0), due: '2026-02-14 18:00' },
  { when: 'submitted on an ordinary Monday morning (documented example)', at: '2026-11-09 10:00', rule: eod(2), due: '2026-11-11 18:00' },
  { when: 'submitted at 07:30 on a working day', at: '2026-11-09 07:30', rule: eod(0), due: '2026-11-09 18:00' },
  { when: 'submitted at midnight on a working day', at: '2026-11-09 00:00', rule: eod(1), due: '2026-11-10 18:00' },
  { when: 'submitted one minute before the close', at: '2026-11-09 17:59', rule: eod(0), due: '2026-11-09 18:00' },
  { when: 'submitted exactly at the close', at: '2026-11-09 18:00', rule: eod(0), due: '2026-11-10 18:00' },
  { when: 'submitted on a Saturday for end of day 0', at: '2026-11-14 10:00', rule: eod(0), due: '2026-11-16 18:00' },
  { when: 'submitted on the Wednesday before National Day', at: '2026-09-30 10:00', rule: eod(1), due: '2026-10-08 18:00' },
  { when: 'submitted after the close before National Day', at: '2026-09-30 19:00', rule: eod(1), due: '2026-10-09 18:00' },
  { when: 'submitted on a National Day holiday for two days', at: '2026-10-01 10:00', rule: eod(2), due: '2026-10-10 18:00' },
  { when: 'submitted on the Friday before Spring Festival for one day', at: '2026-02-13 10:00', rule: eod(1), due: '2026-02-14 18:00' },
  { when: 'submitted on the Friday before Spring Festival for two days', at: '2026-02-13 10:00', rule: eod(2), due: '2026-02-24 18:00' },
  { when: 'submitted on the make-up Saturday for ten days', at: '2026-02-14 12:00', rule: eod(10), due: '2026-03-06 18:00' },
  { when: 'submitted on a Monday for twenty days', at: '2026-11-09 10:00', rule: eod(20), due: '2026-12-07 18:00' },
  // A year of working time: 2026 has 248 working days in mainland China.
  { when: 'a whole year of working minutes starts on New Year holiday', at: '2026-01-01 00:00', rule: wm(248 * 540), due: '2026-12-31 18:00' },
  { when: 'a whole year of working days starts on New Year holiday (D0 is make-up Sunday 4 Jan)', at: '2026-01-01 00:00', rule: eod(247), due: '2026-12-31 18:00' },
];

describe('computeDueAt in Asia/Shanghai with the 2026 schedule (09:00-18:00)', () => {
  for (const c of shanghaiCases) {
    it(`when ${c.when} (${c.at}, ${ruleText(c.rule)}), then it is due ${c.due}`, () => {
      expect(shLocal(computeDueAt(sh(c.at), c.rule, cn))).toBe(c.due);
    });
  }

  it('when 2026 is measured, then it holds 248 working days of 540 minutes', () => {
    expect(workingMinutesBetween(sh('2026-01-01 00:00'), sh('2027-01-01 00:00'), cn)).toBe(248 * 540);
  });

  it('when a year of working minutes runs on a calendar without holidays, then it ends after 260 weekdays', () => {
    const plain = createCalendar(plainSpec('Asia/Shanghai'));
    expect(shLocal(computeDueAt(sh('2026-01-05 09:00'), wm(260 * 540), plain))).toBe('2027-01-01 18:00');
    expect(shLocal(computeDueAt(sh('2026-01-05 09:00'), eod(259), plain))).toBe('2027-01-01 18:00');
  });

  it('when the window closes at 24:00, then a count completing at midnight ends at midnight', () => {
    const late = createCalendar(plainSpec('Asia/Shanghai', { opens: '20:00', closes: '24:00' }));
    expect(shLocal(computeDueAt(sh('2026-11-09 21:00'), wm(180), late))).toBe('2026-11-10 00:00');
    expect(shLocal(computeDueAt(sh('2026-11-09 21:00'), wm(181), late))).toBe('2026-11-10 20:01');
  });

  it('when an admin adds a holiday, then recomputing from the same submission moves the deadline', () => {
    const s = sh('2026-11-09 10:00');
    expect(shLocal(computeDueAt(s, eod(2), cn))).toBe('2026-11-11 18:00');
    const withHoliday = createCalendar({ ...CN_2026, holidays: [...CN_2026.holidays, '2026-11-10'] });
    expect(shLocal(computeDueAt(s, eod(2), withHoliday))).toBe('2026-11-12 18:00');
    expect(shLocal(computeDueAt(s, wm(540), withHoliday))).toBe('2026-11-11 10:00');
  });

  it('when the spec passed in is mutated afterwards, then the calendar keeps its own copy', () => {
    const spec: CalendarSpec = { ...CN_2026, holidays: [...CN_2026.holidays] };
    const cal = createCalendar(spec);
    spec.holidays.push('2026-11-09');
    spec.closes = '12:00';
    expect(shLocal(computeDueAt(sh('2026-11-09 10:00'), eod(0), cal))).toBe('2026-11-09 18:00');
    expect(cal.spec.holidays).not.toContain('2026-11-09');
  });

  it('when a plain { spec } object is passed as the calendar, then it is treated like createCalendar(spec)', () => {
    expect(shLocal(computeDueAt(sh('2026-09-30 17:00'), wm(540), { spec: CN_2026 }))).toBe('2026-10-08 17:00');
  });

  it('when calendar days are asked about, then holidays, make-up days and weekends are classified', () => {
    expect(isWorkingDate('2026-10-01', cn)).toBe(false);
    expect(isWorkingDate('2026-10-10', cn)).toBe(true);
    expect(isWorkingDate('2026-11-14', cn)).toBe(false);
    expect(isWorkingDate('2026-11-16', cn)).toBe(true);
    expect(localDateOf(sh('2026-11-09 23:59'), cn)).toBe('2026-11-09');
    expect(localDateOf(new Date('2026-11-09T16:00:00Z'), cn)).toBe('2026-11-10');
  });
});

describe('computeDueAt across daylight-saving changes in America/New_York', () => {
  const ny = createCalendar(plainSpec('America/New_York'));
  // Sundays made working days, to have a window on the change days themselves.
  const nySundays = createCalendar(plainSpec('America/New_York', { makeUpWorkdays: ['2026-03-08', '2026-11-01'] }));

  it('when the count crosses the spring-forward weekend, then the deadline is at local wall time', () => {
    // Fri 6 Mar 17:00 EST + 60 min Friday + 60 min Monday (EDT) → Mon 9 Mar 10:00 EDT.
    expect(computeDueAt(new Date('2026-03-06T17:00:00-05:00'), wm(120), ny).toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it('when the count crosses the fall-back weekend, then the deadline is at local wall time', () => {
    expect(computeDueAt(new Date('2026-10-30T17:00:00-04:00'), wm(120), ny).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    expect(computeDueAt(new Date('2026-10-30T19:00:00-04:00'), eod(0), ny).toISOString()).toBe('2026-11-02T23:00:00.000Z');
  });

  it('when 8 Mar 2026 (spring forward) is a working day, then its window is 09:00-18:00 EDT, 540 minutes', () => {
    expect(computeDueAt(new Date('2026-03-08T00:00:00-05:00'), wm(0), nySundays).toISOString()).toBe('2026-03-08T13:00:00.000Z');
    expect(computeDueAt(new Date('2026-03-08T00:00:00-05:00'), eod(0), nySundays).toISOString()).toBe('2026-03-08T22:00:00.000Z');
    expect(workingMinutesBetween(new Date('2026-03-08T00:00:00-05:00'), new Date('2026-03-09T00:00:00-04:00'), nySundays)).toBe(540);
  });

  it('when 1 Nov 2026 (fall back) is a working day, then its window is 09:00-18:00 EST, 540 minutes', () => {
    expect(computeDueAt(new Date('2026-11-01T00:00:00-04:00'), wm(0), nySundays).toISOString()).toBe('2026-11-01T14:00:00.000Z');
    expect(computeDueAt(new Date('2026-11-01T00:00:00-04:00'), eod(0), nySundays).toISOString()).toBe('2026-11-01T23:00:00.000Z');
    expect(workingMinutesBetween(new Date('2026-11-01T00:00:00-04:00'), new Date('2026-11-02T00:00:00-05:00'), nySundays)).toBe(540);
  });

  it('when the opening does not exist (02:30 on 8 Mar), then the window opens at 03:30 EDT', () => {
    const cal = createCalendar(plainSpec('America/New_York', { opens: '02:30', closes: '12:00', makeUpWorkdays: ['2026-03-08'] }));
    expect(computeDueAt(new Date('2026-03-08T00:00:00-05:00'), wm(0), cal).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(workingMinutesBetween(new Date('2026-03-08T00:00:00-05:00'), new Date('2026-03-09T00:00:00-04:00'), cal)).toBe(510);
  });

  it('when the opening is ambiguous (01:30 on 1 Nov), then the window opens at the earlier 01:30 EDT', () => {
    const cal = createCalendar(plainSpec('America/New_York', { opens: '01:30', closes: '12:00', makeUpWorkdays: ['2026-11-01'] }));
    expect(computeDueAt(new Date('2026-11-01T00:00:00-04:00'), wm(0), cal).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(workingMinutesBetween(new Date('2026-11-01T00:00:00-04:00'), new Date('2026-11-02T00:00:00-05:00'), cal)).toBe(690);
  });

  it('when a zone has a half-hour offset (Asia/Kolkata), then windows follow its wall clock', () => {
    const cal = createCalendar(plainSpec('Asia/Kolkata'));
    expect(computeDueAt(new Date('2026-11-09T08:00:00+05:30'), wm(30), cal).toISOString()).toBe('2026-11-09T04:00:00.000Z');
  });
});

describe('validation', () => {
  const bad: { when: string; spec: Partial<CalendarSpec>; field: string }[] = [
    { when: 'the time zone is unknown', spec: { timeZone: 'Mars/Olympus_Mons' }, field: 'timeZone' },
    { when: 'the time zone is empty', spec: { timeZone: '' }, field: 'timeZone' },
    { when: 'opens is not HH:MM', spec: { opens: '9:00' }, field: 'opens' },
    { when: 'opens is 24:00', spec: { opens: '24:00' }, field: 'opens' },
    { when: 'closes has minute 60', spec: { closes: '18:60' }, field: 'closes' },
    { when: 'closes is before opens', spec: { closes: '08:00' }, field: 'closes' },
    { when: 'closes equals opens', spec: { closes: '09:00' }, field: 'closes' },
    { when: 'a holiday is an impossible date', spec: { holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-02-30'] }, field: 'holidays[3]' },
    { when: 'a holiday is malformed', spec: { holidays: ['2026/10/01'] }, field: 'holidays[0]' },
    { when: '29 Feb is used in a non-leap year', spec: { holidays: ['2027-02-29'] }, field: 'holidays[0]' },
    { when: 'a make-up day has month 13', spec: { makeUpWorkdays: ['2026-10-10', '2026-13-01'] }, field: 'makeUpWorkdays[1]' },
    { when: 'a date is both a holiday and a make-up day', spec: { holidays: ['2026-10-10'], makeUpWorkdays: ['2026-10-10'] }, field: 'makeUpWorkdays[0]' },
  ];
  for (const c of bad) {
    it(`when ${c.when}, then createCalendar throws naming ${c.field}`, () => {
      const attempt = (): unknown => createCalendar({ ...plainSpec('Asia/Shanghai'), ...c.spec });
      expect(attempt).toThrow(WorkingTimeError);
      try {
        attempt();
      } catch (e) {
        expect((e as WorkingTimeError).field).toBe(c.field);
        expect((e as Error).message).toContain(c.field);
      }
    });
  }

  it('when 29 Feb is used in a leap year, then the calendar accepts it', () => {
    expect(isWorkingDate('2028-02-29', createCalendar(plainSpec('UTC', { holidays: ['2028-02-29'] })))).toBe(false);
  });

  const badRules: { when: string; rule: unknown; field: string }[] = [
    { when: 'minutes is negative', rule: { type: 'working_minutes', minutes: -1 }, field: 'minutes' },
    { when: 'minutes is not whole', rule: { type: 'working_minutes', minutes: 1.5 }, field: 'minutes' },
    { when: 'minutes is NaN', rule: { type: 'working_minutes', minutes: Number.NaN }, field: 'minutes' },
    { when: 'minutes is infinite', rule: { type: 'working_minutes', minutes: Number.POSITIVE_INFINITY }, field: 'minutes' },
    { when: 'minutes is a string', rule: { type: 'working_minutes', minutes: '60' }, field: 'minutes' },
    { when: 'days is negative', rule: { type: 'end_of_working_day', days: -2 }, field: 'days' },
    { when: 'days is missing', rule: { type: 'end_of_working_day' }, field: 'days' },
    { when: 'the type is unknown', rule: { type: 'hours', hours: 2 }, field: 'type' },
    { when: 'the rule is not an object', rule: null, field: 'rule' },
  ];
  for (const c of badRules) {
    it(`when ${c.when}, then validateDeadlineRule and computeDueAt throw naming ${c.field}`, () => {
      expect(() => validateDeadlineRule(c.rule)).toThrow(expect.objectContaining({ field: c.field }));
      expect(() => computeDueAt(sh('2026-11-09 10:00'), c.rule as DeadlineRule, cn)).toThrow(expect.objectContaining({ field: c.field }));
    });
  }

  it('when a rule is valid, then validateDeadlineRule returns a clean copy', () => {
    expect(validateDeadlineRule({ type: 'working_minutes', minutes: 540, extra: true })).toEqual({ type: 'working_minutes', minutes: 540 });
    expect(validateDeadlineRule({ type: 'end_of_working_day', days: 0 })).toEqual({ type: 'end_of_working_day', days: 0 });
  });

  it('when the submission is an invalid Date, then computeDueAt throws naming submittedAt', () => {
    expect(() => computeDueAt(new Date(Number.NaN), wm(60), cn)).toThrow(expect.objectContaining({ field: 'submittedAt' }));
  });

  it('when the at-risk share is outside 0..1, then atRiskAt throws naming share', () => {
    expect(() => atRiskAt(sh('2026-11-09 09:00'), sh('2026-11-09 18:00'), 1.5, cn)).toThrow(expect.objectContaining({ field: 'share' }));
  });
});

describe('atRiskAt', () => {
  it('when 75% of a one-day rule has passed, then it is at risk at 15:45', () => {
    const s = sh('2026-11-09 09:00');
    expect(shLocal(atRiskAt(s, computeDueAt(s, wm(540), cn), 0.75, cn))).toBe('2026-11-09 15:45');
  });

  it('when the span crosses National Day, then the at-risk instant skips the holidays', () => {
    const s = sh('2026-09-30 17:00');
    expect(shLocal(atRiskAt(s, computeDueAt(s, wm(540), cn), 0.75, cn))).toBe('2026-10-08 14:45');
  });

  it('when the share is 0 or 1, then the instant is the submission or the deadline', () => {
    const s = sh('2026-11-09 10:00');
    const due = computeDueAt(s, eod(2), cn);
    expect(atRiskAt(s, due, 0, cn).getTime()).toBe(s.getTime());
    expect(atRiskAt(s, due, 1, cn).getTime()).toBe(due.getTime());
  });
});

describe('explainDueAt', () => {
  const names = { '2026-10-01': 'National Day', '2026-10-02': 'National Day', '2026-10-03': 'National Day', '2026-10-04': 'National Day', '2026-10-05': 'National Day', '2026-10-06': 'National Day', '2026-10-07': 'National Day' };
  const namesZh = Object.fromEntries(Object.keys(names).map((d) => [d, '国庆节']));

  it('when the documented National Day example is explained in English, then it names the start, the due and the skipped range', () => {
    expect(explainDueAt(sh('2026-09-30 17:00'), wm(540), cn, 'en', names)).toBe(
      '+540 working minutes from Wed 30 Sep 2026 17:00, due Thu 8 Oct 2026 17:00 (Asia/Shanghai); skipped 1-7 Oct 2026 (National Day)',
    );
  });

  it('when the span includes a make-up Saturday, then the Chinese text mentions it', () => {
    const text = explainDueAt(sh('2026-09-30 17:00'), wm(540 * 8), cn, 'zh-CN', namesZh);
    expect(text).toContain('跳过2026年10月1日至7日（国庆节）');
    expect(text).toContain('2026年10月10日（周六）为调休工作日');
    expect(text).toContain('截止2026年10月16日（周五）17:00');
  });

  it('when end of day is submitted after the close, then the English text names day 0 and the make-up day', () => {
    const text = explainDueAt(sh('2026-02-13 19:30'), eod(0), cn, 'en');
    expect(text).toContain('due Sat 14 Feb 2026 18:00');
    expect(text).toContain('day 0 is Sat 14 Feb 2026');
    expect(text).toContain('Sat 14 Feb 2026 is a working day');
  });

  it('when submitted before the opening, then the text says when counting starts', () => {
    expect(explainDueAt(sh('2026-11-09 07:00'), wm(60), cn, 'en')).toContain('counting starts Mon 9 Nov 2026 09:00');
  });
});

describe('properties', () => {
  // Instants from Dec 2025 to Jan 2027 (the 2026 schedule and its edges), at ms precision.
  const instantArb = fc.integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 0, 31) }).map((ms) => new Date(ms));
  const ruleArb: fc.Arbitrary<DeadlineRule> = fc.oneof(
    fc.integer({ min: 0, max: 20 * 540 }).map(wm),
    fc.integer({ min: 0, max: 30 }).map(eod),
  );
  const ny = createCalendar(plainSpec('America/New_York', { holidays: ['2026-11-26', '2026-12-25'], makeUpWorkdays: ['2026-03-08'] }));
  const calendars = [
    ['Asia/Shanghai 2026', cn],
    ['America/New_York', ny],
  ] as const;

  for (const [label, cal] of calendars) {
    it(`when a submission is later (${label}), then its deadline is never earlier`, () => {
      fc.assert(
        fc.property(instantArb, instantArb, ruleArb, (a, b, rule) => {
          const [early, late] = a <= b ? [a, b] : [b, a];
          expect(computeDueAt(late, rule, cal).getTime()).toBeGreaterThanOrEqual(computeDueAt(early, rule, cal).getTime());
        }),
        { numRuns: 500 },
      );
    });

    it(`when M working minutes are added (${label}), then exactly M working minutes lie between submission and deadline`, () => {
      fc.assert(
        fc.property(instantArb, fc.integer({ min: 0, max: 20 * 540 }), (s, m) => {
          expect(workingMinutesBetween(s, computeDueAt(s, wm(m), cal), cal)).toBe(m);
        }),
        { numRuns: 500 },
      );
    });

    it(`when a span is split at any midpoint (${label}), then working time adds up`, () => {
      fc.assert(
        fc.property(instantArb, instantArb, instantArb, (a, b, c) => {
          expect(workingMsBetween(a, c, cal)).toBe(workingMsBetween(a, b, cal) + workingMsBetween(b, c, cal));
          expect(workingMinutesBetween(a, c, cal)).toBeCloseTo(workingMinutesBetween(a, b, cal) + workingMinutesBetween(b, c, cal), 6);
        }),
        { numRuns: 500 },
      );
    });

    it(`when a share of the working time passes (${label}), then atRiskAt lies between submission and deadline`, () => {
      fc.assert(
        fc.property(instantArb, ruleArb, fc.double({ min: 0, max: 1, noNaN: true }), (s, rule, share) => {
          const due = computeDueAt(s, rule, cal);
          const risk = atRiskAt(s, due, share, cal).getTime();
          expect(risk).toBeGreaterThanOrEqual(s.getTime());
          expect(risk).toBeLessThanOrEqual(due.getTime());
          const total = workingMsBetween(s, due, cal);
          expect(workingMsBetween(s, new Date(risk), cal)).toBeGreaterThanOrEqual(Math.ceil(share * total - 1e-6));
        }),
        { numRuns: 300 },
      );
    });

    it(`when end_of_working_day N is computed (${label}), then the deadline is a close on a working day after the submission`, () => {
      fc.assert(
        fc.property(instantArb, fc.integer({ min: 0, max: 30 }), (s, n) => {
          const due = computeDueAt(s, eod(n), cal);
          expect(due.getTime()).toBeGreaterThan(s.getTime());
          expect(isWorkingDate(localDateOf(due, cal), cal)).toBe(true);
          // A close: one more minute of work never fits before it on that day.
          expect(computeDueAt(new Date(due.getTime() - 60_000), wm(1), cal).getTime()).toBe(due.getTime());
          expect(workingMsBetween(due, new Date(due.getTime() + 60_000), cal)).toBe(0);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('when minute-aligned Shanghai submissions are checked against a minute-by-minute count, then the deadlines agree', () => {
    const holidays = new Set(CN_2026.holidays);
    const makeUps = new Set(CN_2026.makeUpWorkdays);
    const isWorkingMinute = (ms: number): boolean => {
      const local = new Date(ms + 8 * 3_600_000);
      const date = local.toISOString().slice(0, 10);
      const wd = local.getUTCDay();
      const working = !holidays.has(date) && (makeUps.has(date) || (wd >= 1 && wd <= 5));
      const minuteOfDay = local.getUTCHours() * 60 + local.getUTCMinutes();
      return working && minuteOfDay >= 9 * 60 && minuteOfDay < 18 * 60;
    };
    const naive = (start: number, minutes: number): number => {
      let t = start;
      let left = minutes;
      while (!isWorkingMinute(t)) t += 60_000;
      while (left > 0) {
        if (isWorkingMinute(t)) left--;
        t += 60_000;
      }
      return t; // the end of the last counted minute
    };
    fc.assert(
      fc.property(fc.integer({ min: 29_450_000, max: 29_975_000 }), fc.integer({ min: 1, max: 1500 }), (minuteIndex, m) => {
        const s = minuteIndex * 60_000; // Dec 2025 .. Dec 2026
        expect(computeDueAt(new Date(s), wm(m), cn).getTime()).toBe(naive(s, m));
      }),
      { numRuns: 100 },
    );
  });
});
