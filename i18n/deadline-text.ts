import type { Language } from '../domain/labels.js';
import { unscheduledYears } from '../domain/schedule-coverage.js';
import { validateDeadlineRule, type WorkingCalendar } from '../domain/working-time.js';
import { explainDueAt } from './due-explanation-text.js';
import { translate, translateWith } from './index.js';

/** What wording a deadline needs of the calendar in force (runtime/calendar-cache.ts keeps one). */
export interface CalendarFacts {
  calendar: WorkingCalendar;
  names: Record<Language, Record<string, string>>;
  scheduledYears: ReadonlySet<number>;
}

/**
 * How a review's deadline was computed, in the reader's words, saying so when it reaches a year
 * without an official holiday schedule (its weekdays then all count as working days). A stage
 * after the review (provisioning) counts from when it began.
 */
export function deadlineExplanation(
  row: { stageStartedAt: Date | null; submittedAt: Date; dueRule: unknown; dueAt: Date },
  cal: CalendarFacts,
  lang: Language,
): string {
  const start = row.stageStartedAt ?? row.submittedAt;
  const text = explainDueAt(start, validateDeadlineRule(row.dueRule), cal.calendar, lang, cal.names[lang]);
  const years = unscheduledYears(start, row.dueAt, cal.calendar.spec.timeZone, cal.scheduledYears);
  if (years.length === 0) return text;
  return `${text}${translate(lang, 'imageCheck.separator')}${translateWith(lang, 'calendar.unscheduledNote', { years: years.join(translate(lang, 'calendar.yearSeparator')) })}`;
}
