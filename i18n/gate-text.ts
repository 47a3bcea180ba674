import { BUSINESS_TYPE_LABELS, type BusinessType } from '../domain/business-types.js';
import type { Language } from '../domain/labels.js';
import type { SubjectRefusal } from '../domain/subject-refusal.js';
import { formatTime } from './format.js';
import { hasMessage, translate, translateWith } from './index.js';
import { statusLabel } from './labels.js';

const TYPE_PARAMS = ['businessType', 'enterpriseType', 'appType'] as const;

/** A gate's facts ready for its wording: business types by their names, instants in the reader's format. */
export function gateParams(lang: Language, p: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (typeof v === 'string') out[k] = v;
  for (const k of TYPE_PARAMS) {
    if (!(k in p)) continue;
    const v = p[k];
    out[k] = v ? (BUSINESS_TYPE_LABELS[v as BusinessType]?.[lang] ?? v) : translate(lang, 'gate.noType');
  }
  const worded = p[`reason.${lang}`];
  if (worded) out.reason = worded;
  if (('reason' in p || `reason.${lang}` in p) && !out.reason) out.reason = translate(lang, 'gate.noReason');
  if (p.until) out.until = formatTime(p.until, lang);
  if ('enterpriseStatus' in p) out.enterpriseStatus = translate(lang, `gate.enterpriseStatus.${p.enterpriseStatus || 'missing'}`);
  if ('appStatus' in p) out.appStatus = translate(lang, `gate.appStatus.${p.appStatus || 'missing'}`);
  return out;
}

/** A gate's refusal as the tenant reads it: what is wrong and what to do next. */
export function gateText(lang: Language, code: string, p: Record<string, string | null | undefined>): string {
  return translateWith(lang, `gate.${code}`, gateParams(lang, p));
}

/** A subject store's refusal in a language: by its message key, a gate's by its code, others as they came. */
export function subjectRefusalText(err: SubjectRefusal, lang: Language): string {
  const params = err.params ?? {};
  if (hasMessage(err.message)) {
    const status = params.status ? statusLabel(params.status, lang) : undefined;
    return translateWith(lang, err.message, { ...gateParams(lang, params), ...(status ? { status } : {}) });
  }
  return err.params ? gateText(lang, err.code, err.params) : err.message;
}
