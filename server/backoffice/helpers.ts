import type { HelperOptions } from 'handlebars';
import { KIND_LABELS, SLA_LABELS, STATUS_LABELS, type Language } from '../../domain/labels.js';
import { translate } from '../i18n/index.js';

const langOf = (options: HelperOptions): Language => ((options.data as { root?: { lang?: Language } }).root?.lang ?? 'zh-CN');

const timeFormat = new Map<Language, Intl.DateTimeFormat>();
function formatTime(d: Date, lang: Language): string {
  let f = timeFormat.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    timeFormat.set(lang, f);
  }
  return f.format(d);
}

/** Handlebars helpers: every label and time is rendered in the viewer's language; output stays escaped. */
export const helpers = {
  t: (key: string, options: HelperOptions) => translate(langOf(options), key),
  eventLabel: (type: string, options: HelperOptions) => translate(langOf(options), `event.${type}`),
  kindLabel: (kind: keyof typeof KIND_LABELS, options: HelperOptions) => KIND_LABELS[kind]?.[langOf(options)] ?? kind,
  statusLabel: (s: keyof typeof STATUS_LABELS, options: HelperOptions) => STATUS_LABELS[s]?.[langOf(options)] ?? s,
  slaLabel: (s: keyof typeof SLA_LABELS, options: HelperOptions) => SLA_LABELS[s]?.[langOf(options)] ?? s,
  time: (d: Date | string | null | undefined, options: HelperOptions) => (d ? formatTime(new Date(d), langOf(options)) : ''),
  iso: (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : ''),
  /** A coded value's label: option.<group>.<value>, the value itself when unknown. */
  optionLabel: (group: string, value: string, options: HelperOptions) => translate(langOf(options), `option.${group}.${value}`),
  /** A { 'zh-CN', en } pair in the viewer's language. */
  localized: (pair: Partial<Record<Language, string>> | undefined, options: HelperOptions) => pair?.[langOf(options)] ?? '',
  bytes: (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`),
  eq: (a: unknown, b: unknown) => a === b,
  includes: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
  concat: (...parts: unknown[]) => parts.slice(0, -1).join(''),
  json: (v: unknown) => JSON.stringify(v),
  /** Monday-first weekday keys for calendar grids. */
  weekdays: () => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
};
