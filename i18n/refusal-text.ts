import type { Language } from '../domain/labels.js';
import type { Refusal } from '../domain/refusals.js';
import { AUTOMATIC_CHECK } from '../domain/review.js';
import { formatTime } from './format.js';
import { gateParams } from './gate-text.js';
import { translate, translateWith } from './index.js';

/** A workflow's refusal in the reader's words: names, times in their format, outcomes and roles translated. */
export function refusalText(refusal: Refusal, lang: Language): string {
  const p = refusal.params ?? {};
  const params: Record<string, string> = gateParams(lang, p);
  if (p.at) params.at = formatTime(p.at, lang);
  if (p.outcome) params.outcome = translate(lang, `outcome.${p.outcome}`);
  if (p.role) params.role = translate(lang, `role.${p.role}`);
  if (p.by === AUTOMATIC_CHECK.name) params.by = translate(lang, 'actor.automaticCheck');
  return translateWith(lang, `refusal.${refusal.code}`, params);
}
