import type { Language } from './labels.js';

/** People read times in the platform's zone, one format per language. */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<Language, Intl.DateTimeFormat>();

/** "2026年11月26日 03:15" / "26 Nov 2026, 03:15". */
export function formatTime(d: Date | string, lang: Language): string {
  let f = formats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: DISPLAY_TIME_ZONE,
      year: 'numeric',
      month: lang === 'en' ? 'short' : 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    formats.set(lang, f);
  }
  return f.format(new Date(d));
}
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A calendar day written YYYY-MM-DD, in the style of formatTime: "2026年11月26日" / "26 Nov 2026";
 * without the year ("11月26日" / "26 Nov") where the year is shown nearby.
 */
export function formatDay(day: string, lang: Language, opts: { year?: boolean } = {}): string {
  const withYear = opts.year ?? true;
  const key = `${lang}|${withYear}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'UTC',
      ...(withYear ? { year: 'numeric' } : {}),
      month: lang === 'en' ? 'short' : 'long',
      day: 'numeric',
    });
    dayFormats.set(key, f);
  }
  return f.format(new Date(`${day}T12:00:00Z`));
}
