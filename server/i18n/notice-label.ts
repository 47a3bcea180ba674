import { KINDS } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { hasMessage, translate } from './index.js';

/**
 * A notice event in words. Decision notices are stored per kind (voice_template.approved) and
 * read as the template editor names them, with the kind: "语音模板 · 审核通过通知".
 */
export function noticeEventLabel(event: string, lang: Language): string {
  if (hasMessage(`noticeEvent.${event}`)) return translate(lang, `noticeEvent.${event}`);
  const [kind, outcome] = event.split('.');
  const def = kind ? (KINDS as Record<string, (typeof KINDS)[keyof typeof KINDS] | undefined>)[kind] : undefined;
  if (def && (outcome === 'approved' || outcome === 'rejected')) return `${def.label[lang]} · ${translate(lang, `noticeEvent.review.${outcome}`)}`;
  return event;
}

/** The outbox event names a filter can choose from, with their labels. */
export function noticeEventChoices(lang: Language): { value: string; label: string }[] {
  const choices = Object.values(KINDS).flatMap((k) => (['approved', 'rejected'] as const).map((o) => `${k.kind}.${o}`));
  for (const e of ['reminder.replied', 'manual', 'service.frozen', 'service.resumed', 'service.cancelled', 'review.at_risk', 'review.breached', 'review.reminded', 'reminder.escalated']) choices.push(e);
  return choices.map((value) => ({ value, label: noticeEventLabel(value, lang) }));
}
