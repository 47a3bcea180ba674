import Handlebars, { type HelperOptions } from 'handlebars';
import { sampleRendering, templateLanguage } from '../../domain/template-sample.js';
import type { Language } from '../../domain/labels.js';
import { kindLabel, slaLabel, statusLabel, subscriptionLabel } from '../../i18n/labels.js';
import { translate, translateWith } from '../../i18n/index.js';
import { formatDay, formatTime } from '../../i18n/format.js';
import { noticeEventLabel } from '../../i18n/notice-label.js';
import { encodingName } from '../../i18n/audio-check-text.js';

const langOf = (options: HelperOptions): Language => ((options.data as { root?: { lang?: Language } }).root?.lang ?? 'zh-CN');

/** Handlebars helpers: every label and time is rendered in the viewer's language; output stays escaped. */
export const helpers = {
  t: (key: string, options: HelperOptions) => translate(langOf(options), key),
  /** A message with {placeholders} filled from the helper's hash: {{tw "key" name=x}}. */
  tw: (key: string, options: HelperOptions) => translateWith(langOf(options), key, Object.fromEntries(Object.entries(options.hash as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]))),
  eventLabel: (type: string, options: HelperOptions) => translate(langOf(options), `event.${type}`),
  kindLabel: (kind: string, options: HelperOptions) => kindLabel(kind, langOf(options)),
  statusLabel: (s: string, options: HelperOptions) => statusLabel(s, langOf(options)),
  slaLabel: (s: string, options: HelperOptions) => slaLabel(s, langOf(options)),
  subscriptionLabel: (s: string, options: HelperOptions) => subscriptionLabel(s, langOf(options)),
  time: (d: Date | string | null | undefined, options: HelperOptions) => (d ? formatTime(new Date(d), langOf(options)) : ''),
  /** A calendar day (YYYY-MM-DD) in the reader's one day format. */
  calendarDay: (d: string | null | undefined, options: HelperOptions) => (d ? formatDay(d, langOf(options)) : ''),
  iso: (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : ''),
  /** A coded value's label: option.<group>.<value>, the value itself when unknown. */
  optionLabel: (group: string, value: string, options: HelperOptions) => translate(langOf(options), `option.${group}.${value}`),
  /** A { 'zh-CN', en } pair in the viewer's language. */
  localized: (pair: Partial<Record<Language, string>> | undefined, options: HelperOptions) => pair?.[langOf(options)] ?? '',
  bytes: (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`),
  /** Template content with its ${VARIABLES} marked; everything else escaped. */
  highlightVars: (content: string) =>
    new Handlebars.SafeString(
      Handlebars.escapeExpression(content ?? '').replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => `<mark class="var">\${${name}}</mark>`),
    ),
  /** The content as a listener would hear it, with sample values in the template's own language in place of the variables. */
  sampleText: (content: string) => sampleRendering(content ?? '', templateLanguage(content ?? '')),
  /** The language a template is written in, for its `lang` attribute. */
  templateLang: (content: string) => templateLanguage(content ?? ''),
  encodingLabel: (code: string, options: HelperOptions) => encodingName(code, langOf(options)),
  noticeEvent: (event: string, options: HelperOptions) => noticeEventLabel(event, langOf(options)),
  urlencode: (v: unknown) => encodeURIComponent(String(v ?? '')),
  eq: (a: unknown, b: unknown) => a === b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  startsWith: (text: unknown, prefix: string) => typeof text === 'string' && text.startsWith(prefix),
  /** A header link, marked as the current page when the address is under it. */
  navLink: (href: string, key: string, options: HelperOptions) => {
    const current = String((options.data as { root?: { currentUrl?: string } }).root?.currentUrl ?? '');
    const here = current === href || current.startsWith(`${href}/`) || current.startsWith(`${href}?`);
    return new Handlebars.SafeString(`<a href="${Handlebars.escapeExpression(href)}"${here ? ' aria-current="page"' : ''}>${Handlebars.escapeExpression(translate(langOf(options), key))}</a>`);
  },
  includes: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
  concat: (...parts: unknown[]) => parts.slice(0, -1).join(''),
  json: (v: unknown) => JSON.stringify(v),
  /** A list's items joined: {{join years "、"}}. */
  join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''),
  first: (list: unknown) => (Array.isArray(list) ? list[0] : undefined),
  /** Monday-first weekday keys for calendar grids. */
  weekdays: () => ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
};
