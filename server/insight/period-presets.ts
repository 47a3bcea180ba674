import type { Language } from '../../domain/labels.js';
import { presetPeriods, type DayRange } from '../../domain/reporting-period.js';
import { translate } from '../../i18n/index.js';

export interface PresetLink {
  label: string;
  href: string;
  /** The period shown now is this one. */
  current: boolean;
}

/** Links that fill the period with today, the last 7 days, this month…, keeping the page's other filters. */
export function presetLinks(today: string, lang: Language, shown: Partial<DayRange>, href: (range: DayRange) => string): PresetLink[] {
  return presetPeriods(today).map(({ preset, range }) => ({
    label: translate(lang, `insight.period.${preset}`),
    href: href(range),
    current: shown.from === range.from && shown.to === range.to,
  }));
}
