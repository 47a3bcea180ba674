import { workingMinutesBetween, type WorkingCalendar } from './working-time.js';

/** How much working time is left until a deadline, or how far past it a review is. */
export interface TimeLeft {
  overdue: boolean;
  /** Whole working days (of the calendar's daily window), then hours and minutes of the rest. */
  days: number;
  hours: number;
  minutes: number;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The working minutes in one of the calendar's days (09:00-18:00: 540). */
export function workingDayMinutes(calendar: WorkingCalendar): number {
  return minutesOf(calendar.spec.closes) - minutesOf(calendar.spec.opens);
}

/**
 * Working time between now and the deadline, counted as the deadline counts it: a review due
 * tomorrow at 10:00, seen at 17:00 today, has 2 hours left, not 17.
 */
export function timeLeft(now: Date, dueAt: Date, calendar: WorkingCalendar): TimeLeft {
  const signed = workingMinutesBetween(now, dueAt, calendar);
  const overdue = signed < 0 || (signed === 0 && now.getTime() >= dueAt.getTime());
  const total = Math.floor(Math.abs(signed));
  const day = workingDayMinutes(calendar);
  const days = day > 0 ? Math.floor(total / day) : 0;
  const rest = total - days * day;
  return { overdue, days, hours: Math.floor(rest / 60), minutes: rest % 60 };
}
