import { BUSINESS_TYPE_LABELS, SERVICE_STATE_LABELS } from '../../domain/business-types.js';
import { kindOf } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { kindLabel, slaLabel, statusLabel } from '../../i18n/labels.js';
import type { RuleChange } from '../../domain/rule-set.js';
import { formatTime } from '../../i18n/format.js';
import { hasMessage, translate } from '../../i18n/index.js';
import { ruleChangeText } from '../../i18n/rule-change-text.js';
import { isUuid } from '../../domain/ids.js';

/**
 * Words for the codes the insight pages show: kinds, deadline states, roles, audited actions,
 * object types and the keys of audit details. A code nobody has worded yet is shown as written
 * beside a generic label, never in place of one.
 */

export interface CodeLabel {
  text: string;
  /** Set when the code has no wording: the page shows it in <code> beside the generic text. */
  unknownCode?: string;
}

export { kindLabel, slaLabel };

function coded(prefix: string, code: string, generic: string, lang: Language): CodeLabel {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? { text: translate(lang, key) } : { text: translate(lang, generic), unknownCode: code };
}

export const actionLabel = (action: string, lang: Language) => coded('insight.action', action, 'insight.audit.unknownAction', lang);
export const objectTypeLabel = (type: string, lang: Language) => coded('insight.objectType', type, 'insight.audit.unknownObjectType', lang);
export const actorTypeLabel = (type: string, lang: Language) => coded('insight.actorType', type, 'insight.audit.unknownDetail', lang);
export const roleLabel = (role: string, lang: Language) => coded('insight.role', role, 'insight.audit.unknownDetail', lang);

/** Who acted: a person's or tenant's recorded name as written; the system's label in words. */
export function actorName(actorType: string, label: string | null, lang: Language): string | null {
  if (actorType !== 'system' || !label) return label;
  const key = `insight.systemActor.${label}`;
  return hasMessage(key) ? translate(lang, key) : translate(lang, 'insight.actorType.system');
}

/** Where an audited object can be looked at, for the object types that have a page. */
export function objectHref(type: string, id: string | null): string | null {
  if (!id) return null;
  if (type === 'review' && isUuid(id)) return `/reviews/${id}`;
  if (type === 'tenant' && isUuid(id)) return `/tenants/${id}`;
  if (type === 'notice' && isUuid(id)) return `/outbox/${id}`;
  if (type === 'tenant_service') {
    const tenantId = id.split(':')[0] ?? '';
    return isUuid(tenantId) ? `/tenants/${tenantId}` : null;
  }
  return null;
}

/** A readable name for objects whose id is itself a code (a deadline rule is named by its kind). */
export function objectName(type: string, id: string | null, lang: Language): string | null {
  if (type === 'deadline_rule' && id && kindOf(id)) return kindLabel(id, lang);
  if (type === 'tenant_service' && id) {
    const businessType = id.split(':')[1] ?? '';
    return BUSINESS_TYPE_LABELS[businessType as keyof typeof BUSINESS_TYPE_LABELS]?.[lang] ?? null;
  }
  return null;
}

export interface DetailItem {
  key: string;
  /** The key's wording; null when it has none (the key is shown in <code>). */
  label: string | null;
  value?: string;
  /** A long text (a template body): shown with its line breaks. */
  long?: boolean;
  items?: DetailItem[];
}

/** Keys whose values are secrets or sensitive personal data: never shown, whatever a writer put there. */
const SENSITIVE_KEY = /(id_?number|idcard|password|secret|token|api_?key$|cookie)/i;
/** A mainland resident ID number (18 characters) or an older 15-digit one, anywhere in a text. */
const ID_NUMBER = /\b(\d{17}[\dXx]|\d{15})\b/g;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const MAX_TEXT = 2000;
const MAX_DEPTH = 4;

const wordedOr = (label: CodeLabel, code: string) => (label.unknownCode ? code : label.text);

function scalarText(key: string, value: unknown, lang: Language, context: Record<string, unknown> = {}): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return translate(lang, value ? 'insight.yes' : 'insight.no');
  if (typeof value === 'number') return String(value);
  const text = String(value);
  if (ISO_INSTANT.test(text) && !Number.isNaN(Date.parse(text))) return formatTime(text, lang);
  const worded = `insight.value.${key}.${text}`;
  if (hasMessage(worded)) return translate(lang, worded);
  switch (key) {
    case 'reasonCode': {
      const kind = typeof context.kind === 'string' ? kindOf(context.kind) : undefined;
      return kind?.rejectionReasons.find((r) => r.code === text)?.text[lang] ?? text;
    }
    case 'kind':
    case 'kinds':
      return kindLabel(text, lang);
    case 'status':
      return hasMessage(`status.${text}`) ? statusLabel(text, lang) : hasMessage(`option.appStatus.${text}`) ? translate(lang, `option.appStatus.${text}`) : text;
    case 'businessType':
      return BUSINESS_TYPE_LABELS[text as keyof typeof BUSINESS_TYPE_LABELS]?.[lang] ?? text;
    case 'from':
    case 'to':
      return SERVICE_STATE_LABELS[text as keyof typeof SERVICE_STATE_LABELS]?.[lang] ?? text;
    case 'role':
      return wordedOr(roleLabel(text, lang), text);
    case 'channel':
    case 'channels':
      return hasMessage(`insight.channel.${text}`) ? translate(lang, `insight.channel.${text}`) : text;
    case 'action':
      return wordedOr(actionLabel(text, lang), text);
    case 'objectType':
      return wordedOr(objectTypeLabel(text, lang), text);
  }
  const masked = text.replace(ID_NUMBER, translate(lang, 'insight.audit.hidden'));
  return masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT)}…` : masked;
}

const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v);

const isRuleChange = (v: unknown): v is RuleChange =>
  typeof v === 'object' && v !== null && typeof (v as RuleChange).path === 'string' && typeof (v as RuleChange).before === 'string' && typeof (v as RuleChange).after === 'string';

function item(key: string, value: unknown, lang: Language, depth: number, context: Record<string, unknown>, label?: string): DetailItem {
  const labelKey = `insight.detail.${key}`;
  const base: DetailItem = { key, label: label ?? (hasMessage(labelKey) ? translate(lang, labelKey) : null) };
  if (SENSITIVE_KEY.test(key)) return { ...base, value: translate(lang, 'insight.audit.hidden') };
  // A rule-set change: each changed rule by name, before → after, as the version pages word it.
  if (key === 'changes' && Array.isArray(value) && value.length > 0 && value.every(isRuleChange)) {
    const kind = typeof context.kind === 'string' ? context.kind : undefined;
    return {
      ...base,
      items: value.map((c) => {
        const t = ruleChangeText(c, lang, { kind });
        return { key: c.path, label: t.label, value: `${t.before} → ${t.after}` };
      }),
    };
  }
  if (isScalar(value)) {
    const text = scalarText(key, value, lang, context);
    return { ...base, value: text, long: text.length > 80 || text.includes('\n') };
  }
  if (depth >= MAX_DEPTH) return { ...base, value: scalarText(key, JSON.stringify(value), lang) };
  if (Array.isArray(value)) {
    if (value.length === 0) return { ...base, value: '—' };
    if (value.every(isScalar)) return { ...base, value: value.map((v) => scalarText(key, v, lang, context)).join(lang === 'zh-CN' ? '、' : ', ') };
    return { ...base, items: value.map((v, i) => item(key, v, lang, depth + 1, context, `#${i + 1}`)) };
  }
  return { ...base, items: detailItems(value as Record<string, unknown>, lang, depth + 1) };
}

/** An audit row's details as a small key/value list in the reader's language. */
export function detailItems(details: Record<string, unknown> | null | undefined, lang: Language, depth = 0): DetailItem[] {
  if (!details || typeof details !== 'object') return [];
  return Object.entries(details).map(([k, v]) => item(k, v, lang, depth, details));
}

/** The same details as one line of text (for CSV), with the same secrets hidden. */
export function detailsText(details: Record<string, unknown> | null | undefined, lang: Language): string {
  const flatten = (items: DetailItem[]): string =>
    items.map((i) => `${i.label ?? i.key}: ${i.items ? `{${flatten(i.items)}}` : (i.value ?? '')}`).join('; ');
  return flatten(detailItems(details, lang));
}
