import { openDeadlinesByYear } from '../../db/calendars.js';
import { SCHEDULE_HORIZON_DAYS, yearsToWarnAbout } from '../../domain/schedule-coverage.js';
import type { AppDeps } from '../deps.js';

export interface ScheduleWarning {
  /** Years without an official schedule that open deadlines or the next 90 days reach. */
  years: number[];
  /** Open reviews whose deadline falls in one of them (counted with weekdays as working days). */
  affected: number;
  horizonDays: number;
}

/**
 * Whether admins must import a year's schedule: any open deadline, or the next 90 days, reaching a
 * year with no official schedule loaded (the holiday package's years and the imported ones).
 */
export async function scheduleWarning(deps: Pick<AppDeps, 'db' | 'calendar' | 'now'>): Promise<ScheduleWarning | null> {
  const cal = await deps.calendar();
  const timeZone = cal.calendar.spec.timeZone;
  const byYear = await openDeadlinesByYear(deps.db, timeZone);
  const latest = Math.max(0, ...byYear.keys());
  const latestDue = latest > 0 ? new Date(Date.UTC(latest, 6, 1)) : null;
  const years = yearsToWarnAbout(deps.now(), latestDue, timeZone, cal.scheduledYears);
  if (years.length === 0) return null;
  return { years, affected: years.reduce((n, y) => n + (byYear.get(y) ?? 0), 0), horizonDays: SCHEDULE_HORIZON_DAYS };
}
