import type { Db } from '../db/client.js';
import { calendarVersion, DEFAULT_CALENDAR_ID, loadCalendar } from '../db/calendars.js';
import { chinaHolidayData, defaultCalendarSpec } from '../domain/holidays-cn.js';
import { createCalendar, type WorkingCalendar } from '../domain/working-time.js';

export interface CalendarContext {
  calendar: WorkingCalendar;
  version: number;
  names: { 'zh-CN': Record<string, string>; en: Record<string, string> };
  /** Years with an official schedule (db/calendars.ts scheduledYears). */
  scheduledYears: ReadonlySet<number>;
}

/**
 * The working calendar as stored, rebuilt only when its version changes; the version is
 * checked at most every `checkEveryMs`, so every process sees an admin's change within it.
 */
export function createCalendarCache(db: Db, checkEveryMs = 2000): () => Promise<CalendarContext> {
  let current: CalendarContext | undefined;
  let checkedAt = 0;
  let loading: Promise<CalendarContext> | undefined;

  const load = async (): Promise<CalendarContext> => {
    const version = await calendarVersion(db, DEFAULT_CALENDAR_ID);
    checkedAt = Date.now();
    if (current && version === current.version) return current;
    const stored = version === undefined ? undefined : await loadCalendar(db, DEFAULT_CALENDAR_ID);
    current = stored
      ? { calendar: createCalendar(stored.spec), version: stored.version, names: stored.names, scheduledYears: new Set(stored.scheduledYears) }
      : { calendar: createCalendar(defaultCalendarSpec()), version: 0, names: { 'zh-CN': {}, en: {} }, scheduledYears: new Set(chinaHolidayData().years) };
    return current;
  };

  return async () => {
    if (current && Date.now() - checkedAt < checkEveryMs) return current;
    loading ??= load().finally(() => (loading = undefined));
    return loading;
  };
}
