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
