import { describe, expect, it } from 'vitest';
import { defaultCalendarSpec } from '../../domain/holidays-cn.js';
import { timeLeft } from '../../domain/time-left.js';
import { createCalendar } from '../../domain/working-time.js';
import { timeLeftText } from '../../i18n/time-left-text.js';

const calendar = createCalendar(defaultCalendarSpec());
const bj = (s: string) => new Date(`${s}:00+08:00`);

describe('time left in working hours', () => {
  it('when a review is due tomorrow at 10:00 and it is 17:00 now, then 2 working hours are left', () => {
    const t = timeLeft(bj('2026-11-09T17:00'), bj('2026-11-10T10:00'), calendar);
    expect(t).toEqual({ overdue: false, days: 0, hours: 2, minutes: 0 });
    expect(timeLeftText(t, 'zh-CN')).toBe('剩 2 小时 0 分');
    expect(timeLeftText(t, 'en')).toBe('2 h 0 min left');
  });

  it('when the deadline passed two working days ago over a weekend, then it is overdue by 2 working days', () => {
    const t = timeLeft(bj('2026-11-16T18:00'), bj('2026-11-12T18:00'), calendar);
    expect(t).toMatchObject({ overdue: true, days: 2 });
    expect(timeLeftText(t, 'zh-CN')).toBe('超时 2 个工作日');
    expect(timeLeftText(t, 'en')).toBe('overdue by 2 working days');
  });

  it('when 5 hours 40 minutes of working time remain, then it says so in both languages', () => {
    const t = timeLeft(bj('2026-11-09T09:20'), bj('2026-11-09T15:00'), calendar);
    expect(timeLeftText(t, 'zh-CN')).toBe('剩 5 小时 40 分');
    expect(timeLeftText(t, 'en')).toBe('5 h 40 min left');
  });

  it('when the deadline passed at 18:00 and it is night now, then it is overdue without a count of zero minutes', () => {
    const t = timeLeft(bj('2026-11-09T23:30'), bj('2026-11-09T18:00'), calendar);
    expect(t).toEqual({ overdue: true, days: 0, hours: 0, minutes: 0 });
    expect(timeLeftText(t, 'zh-CN')).toBe('已超时');
    expect(timeLeftText(t, 'en')).toBe('overdue');
  });
});
