import { KINDS } from '../domain/kinds/index.js';
import type { Language } from '../domain/labels.js';
import type { ReviewKind } from '../domain/review.js';
import { hasMessage, translate } from './index.js';

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
