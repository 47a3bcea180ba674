import { describe, expect, it } from 'vitest';
import { addDays, checkPeriod, dayCount, dayIn, daysOf, lastAllowedDay, lastDays, parseDay, presetPeriods } from '../../../domain/reporting-period.js';

const fallback = { from: '2026-01-01', to: '2026-01-30' };

describe('reporting periods', () => {
  it('when a day is written YYYY-MM-DD and exists, then it is accepted; otherwise refused', () => {
    expect(parseDay('2026-02-28')).toBe('2026-02-28');
    expect(parseDay(' 2026-02-28 ')).toBe('2026-02-28');
    expect(parseDay('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-1-01', '26-01-01', '1999-12-31', '10000-01-01', '', 'today', 20260101, null]) {
      expect(parseDay(bad), String(bad)).toBeUndefined();
    }
  });

  it('when six months are counted from a start, then the last allowed day is the day before the same date six months on', () => {
    expect(lastAllowedDay('2026-01-01')).toBe('2026-06-30');
    expect(lastAllowedDay('2026-01-31')).toBe('2026-07-30');
    expect(lastAllowedDay('2026-07-15')).toBe('2027-01-14');
    expect(lastAllowedDay('2025-12-01')).toBe('2026-05-31');
  });

  it('when six months on has no such day, then the period may run to the end of that shorter month', () => {
    expect(lastAllowedDay('2025-08-31')).toBe('2026-02-28');
    expect(lastAllowedDay('2027-08-31')).toBe('2028-02-29');
    expect(lastAllowedDay('2026-08-30')).toBe('2027-02-28');
    expect(lastAllowedDay('2026-08-29')).toBe('2027-02-28');
    expect(lastAllowedDay('2026-08-28')).toBe('2027-02-27');
  });

  it('when a period is exactly six months, then it passes; one day more is refused on the end field', () => {
    expect(checkPeriod({ from: '2026-01-01', to: '2026-06-30' }, { fallback, maxMonths: 6 })).toEqual({ ok: true, range: { from: '2026-01-01', to: '2026-06-30' } });
    expect(checkPeriod({ from: '2026-01-01', to: '2026-07-01' }, { fallback, maxMonths: 6 })).toEqual({ ok: false, problems: [{ field: 'to', code: 'too_long' }] });
  });

  it('when no limit is asked for, then years at once pass', () => {
    expect(checkPeriod({ from: '2020-01-01', to: '2026-12-31' }, { fallback, maxMonths: null }).ok).toBe(true);
  });

  it('when both ends are empty, then the fallback period is used, or, with none, both are reported missing', () => {
    expect(checkPeriod({ from: '', to: ' ' }, { fallback, maxMonths: 6 })).toEqual({ ok: true, range: fallback });
    expect(checkPeriod({}, { fallback, maxMonths: 6 })).toEqual({ ok: true, range: fallback });
    expect(checkPeriod({ from: '', to: '' }, { maxMonths: null })).toEqual({
      ok: false,
      problems: [
        { field: 'from', code: 'missing' },
        { field: 'to', code: 'missing' },
      ],
    });
  });

  it('when one end is missing, malformed or the end comes first, then each field is named with its problem', () => {
    expect(checkPeriod({ from: '2026-01-01', to: '' }, { fallback, maxMonths: 6 })).toEqual({ ok: false, problems: [{ field: 'to', code: 'missing' }] });
    expect(checkPeriod({ from: 'yesterday', to: '2026-02-30' }, { fallback, maxMonths: 6 })).toEqual({
      ok: false,
      problems: [
        { field: 'from', code: 'invalid' },
        { field: 'to', code: 'invalid' },
      ],
    });
    expect(checkPeriod({ from: '2026-03-02', to: '2026-03-01' }, { fallback, maxMonths: 6 })).toEqual({ ok: false, problems: [{ field: 'to', code: 'before_start' }] });
  });

  it('when a period spans a month end and a leap day, then its days are listed in order, both ends included', () => {
    expect(daysOf({ from: '2028-02-27', to: '2028-03-01' })).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
    expect(dayCount({ from: '2026-01-01', to: '2026-12-31' })).toBe(365);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(lastDays('2026-03-01', 7)).toEqual({ from: '2026-02-23', to: '2026-03-01' });
  });

  it('when an instant is read in Beijing time, then 16:30 UTC is already the next day', () => {
    expect(dayIn(new Date('2026-05-01T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-05-02');
    expect(dayIn(new Date('2026-05-01T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-05-01');
  });

  it('when presets are asked for on 1 March of a leap year, then yesterday and last month are in February, and this month is one day', () => {
    const presets = Object.fromEntries(presetPeriods('2028-03-01').map((p) => [p.preset, p.range]));
    expect(presets).toEqual({
      today: { from: '2028-03-01', to: '2028-03-01' },
      yesterday: { from: '2028-02-29', to: '2028-02-29' },
      last7: { from: '2028-02-24', to: '2028-03-01' },
      last30: { from: '2028-02-01', to: '2028-03-01' },
      thisMonth: { from: '2028-03-01', to: '2028-03-01' },
      lastMonth: { from: '2028-02-01', to: '2028-02-29' },
    });
  });

  it('when presets are asked for in January, then last month is December of the year before', () => {
    const lastMonth = presetPeriods('2027-01-15').find((p) => p.preset === 'lastMonth')!.range;
    expect(lastMonth).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    for (const p of presetPeriods('2027-01-15')) expect(checkPeriod(p.range, { maxMonths: 6 }).ok, p.preset).toBe(true);
  });
});
