import { describe, it, expect } from 'vitest';
import { chinaHolidayData, chinaHolidayNames, defaultCalendarSpec } from '../../domain/holidays-cn.js';
import { computeDueAt, createCalendar, isWorkingDate } from '../../domain/working-time.js';
import { explainDueAt } from '../../i18n/due-explanation-text.js';

const dates = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
};

describe('mainland China holiday data (chinese-days)', () => {
  const data = chinaHolidayData();
  const holidays = new Set(data.holidays.map((d) => d.date));
  const makeUps = new Set(data.makeUpWorkdays.map((d) => d.date));

  it('when the package is read, then every year from 2004 to 2026 is covered', () => {
    expect(data.years[0]).toBe(2004);
    expect(data.years).toContain(2026);
    expect(data.years).toEqual(Array.from({ length: data.years.length }, (_, i) => 2004 + i));
  });

  it('when 2026 is read, then 1-7 Oct are National Day holidays', () => {
    for (const d of dates('2026-10-01', '2026-10-07')) {
      expect(holidays.has(d)).toBe(true);
      expect(data.holidays.find((h) => h.date === d)).toMatchObject({ name: 'National Day', nameZh: '国庆节' });
    }
    expect(holidays.has('2026-10-08')).toBe(false);
  });

  it('when 2026 is read, then 15-23 Feb are Spring Festival holidays', () => {
    for (const d of dates('2026-02-15', '2026-02-23')) {
      expect(data.holidays.find((h) => h.date === d)).toMatchObject({ name: 'Spring Festival', nameZh: '春节' });
    }
    expect(holidays.has('2026-02-14')).toBe(false);
    expect(holidays.has('2026-02-24')).toBe(false);
  });

  it('when 2026 is read, then Sat 10 Oct, Sat 14 Feb and Sat 28 Feb are make-up working days', () => {
    for (const d of ['2026-10-10', '2026-02-14', '2026-02-28']) expect(makeUps.has(d)).toBe(true);
    expect(data.makeUpWorkdays.find((m) => m.date === '2026-10-10')).toMatchObject({ name: 'National Day', nameZh: '国庆节' });
  });

  it('when the lists are built, then no date is both a holiday and a make-up day and every make-up day is a weekend', () => {
    for (const d of makeUps) {
      expect(holidays.has(d)).toBe(false);
      expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    }
  });

  it('when names are asked for, then English and Chinese names are given by date', () => {
    expect(chinaHolidayNames('en')['2026-10-01']).toBe('National Day');
    expect(chinaHolidayNames('zh-CN')['2026-02-17']).toBe('春节');
    expect(chinaHolidayNames('en')['2026-04-05']).toMatch(/Qingming/);
  });
});

describe('default calendar spec', () => {
  const spec = defaultCalendarSpec();
  const cal = createCalendar(spec);
  const sh = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);

  it('when the default spec is built, then it is Asia/Shanghai 09:00-18:00 and a valid calendar', () => {
    expect(spec).toMatchObject({ timeZone: 'Asia/Shanghai', opens: '09:00', closes: '18:00' });
    expect(isWorkingDate('2026-10-10', cal)).toBe(true);
    expect(isWorkingDate('2026-10-01', cal)).toBe(false);
  });

  it('when the documented examples run on the default calendar, then they give the documented deadlines', () => {
    expect(computeDueAt(sh('2026-09-30 17:00'), { type: 'working_minutes', minutes: 540 }, cal).toISOString()).toBe(sh('2026-10-08 17:00').toISOString());
    expect(computeDueAt(sh('2026-02-13 19:30'), { type: 'end_of_working_day', days: 0 }, cal).toISOString()).toBe(sh('2026-02-14 18:00').toISOString());
    expect(computeDueAt(sh('2026-11-09 10:00'), { type: 'end_of_working_day', days: 2 }, cal).toISOString()).toBe(sh('2026-11-11 18:00').toISOString());
  });

  it('when a deadline across National Day is explained with the package names, then the holiday is named', () => {
    expect(explainDueAt(sh('2026-09-30 17:00'), { type: 'working_minutes', minutes: 540 }, cal, 'en', chinaHolidayNames('en'))).toContain(
      'skipped 1-7 Oct 2026 (National Day)',
    );
    expect(explainDueAt(sh('2026-09-30 17:00'), { type: 'working_minutes', minutes: 540 * 8 }, cal, 'zh-CN', chinaHolidayNames('zh-CN'))).toContain(
      '跳过2026年10月1日至7日（国庆节）；2026年10月10日（周六）为调休工作日',
    );
  });
});
