/**
 * Which years have an official holiday schedule. A year's deadlines are only as right as its
 * schedule: without one, every Monday-Friday counts as a working day and no public holiday is
 * skipped. A year is scheduled when the holiday package covers it or an admin imported its
 * schedule. Pure: the caller hands in the years and the instants.
 */

/** How far ahead a missing schedule is warned about even with no deadline there yet. */
export const SCHEDULE_HORIZON_DAYS = 90;

// Building a formatter costs far more than using one, and every deadline explanation asks for years.
const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar year of an instant in a time zone. */
export function yearIn(at: Date, timeZone: string): number {
  let f = yearFormats.get(timeZone);
  if (!f) yearFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric' })));
  return Number(f.format(at));
}

/** Every year from one instant's to another's, in the zone. */
export function yearsBetween(from: Date, to: Date, timeZone: string): number[] {
  const a = yearIn(from, timeZone);
  const b = yearIn(to, timeZone);
  const years: number[] = [];
  for (let y = Math.min(a, b); y <= Math.max(a, b); y++) years.push(y);
  return years;
}

/** The years a span touches that have no official schedule. */
export function unscheduledYears(from: Date, to: Date, timeZone: string, scheduled: ReadonlySet<number>): number[] {
  return yearsBetween(from, to, timeZone).filter((y) => !scheduled.has(y));
}

/**
 * The years admins must be warned about: those without a schedule that the next 90 days reach,
 * or that any open deadline reaches (the latest one given).
 */
export function yearsToWarnAbout(now: Date, latestOpenDue: Date | null, timeZone: string, scheduled: ReadonlySet<number>): number[] {
  const horizon = new Date(now.getTime() + SCHEDULE_HORIZON_DAYS * 24 * 3600 * 1000);
  const until = latestOpenDue && latestOpenDue > horizon ? latestOpenDue : horizon;
  return unscheduledYears(now, until, timeZone, scheduled);
}
