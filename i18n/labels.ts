import { KINDS } from '../domain/kinds/index.js';
import type { Language } from '../domain/labels.js';
import type { ReviewKind } from '../domain/review.js';
import { hasMessage, translate, translateWith } from './index.js';

/** A kind's name, from its definition; an unknown kind reads as its code. */
export function kindLabel(kind: string, lang: Language): string {
  return KINDS[kind as ReviewKind]?.label[lang] ?? kind;
}

/** A review's status by name; a value that is no status reads as itself. */
export function statusLabel(status: string, lang: Language): string {
  return hasMessage(`status.${status}`) ? translate(lang, `status.${status}`) : status;
}

/** A deadline state (on track, at risk, breached) by name. */
export function slaLabel(sla: string, lang: Language): string {
  return hasMessage(`sla.${sla}`) ? translate(lang, `sla.${sla}`) : sla;
}

/** What a contact subscribes to: a kind's results, named after the kind, or a subscription of its own (reminder replies). */
export function subscriptionLabel(subscription: string, lang: Language): string {
  if (hasMessage(`sub.${subscription}`)) return translate(lang, `sub.${subscription}`);
  return translateWith(lang, 'sub.kind', { kind: kindLabel(subscription, lang) });
}
