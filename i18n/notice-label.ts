import { KINDS } from '../domain/kinds/index.js';
import type { Language } from '../domain/labels.js';
import { NOTICE_EVENT_NAMES } from '../domain/notice-templates.js';
import { hasMessage, translate } from './index.js';

/**
 * A notice event in words. Notices about one review are stored per kind and outcome
 * (voice_template.approved, number_order.issued, number_unsubscribe.partially_succeeded) and read
 * with the kind: "语音模板 · 审核通过通知", "号码退订 · 部分成功".
 */
export function noticeEventLabel(event: string, lang: Language): string {
  if (hasMessage(`noticeEvent.${event}`)) return translate(lang, `noticeEvent.${event}`);
  const [kind, outcome] = event.split('.');
  const def = kind ? (KINDS as Record<string, (typeof KINDS)[keyof typeof KINDS] | undefined>)[kind] : undefined;
  if (def && (outcome === 'approved' || outcome === 'rejected')) return `${def.label[lang]} · ${translate(lang, `noticeEvent.review.${outcome}`)}`;
  if (def && outcome === 'issued') return `${def.label[lang]} · ${translate(lang, 'noticeEvent.numbers.issued')}`;
  if (def && outcome && hasMessage(`status.${outcome}`)) return `${def.label[lang]} · ${translate(lang, `status.${outcome}`)}`;
  return event;
}

/** The outbox event names a filter can choose from, with their labels. */
export function noticeEventChoices(lang: Language): { value: string; label: string }[] {
  const choices = Object.values(KINDS).flatMap((k) => {
    const own: string[] = k.stages.review ? [`${k.kind}.approved`, `${k.kind}.rejected`] : [];
    if (k.stages.precheck && !k.stages.review) own.push(`${k.kind}.rejected`);
    if (k.stages.fulfilment === 'provisioning') own.push(`${k.kind}.issued`);
    if (k.stages.fulfilment === 'batch') own.push(...['completed', 'partially_succeeded', 'check_failed'].map((s) => `${k.kind}.${s}`));
    return own;
  });
  // Events not tied to one kind; the per-kind ones (review.approved, numbers.issued…) are listed above.
  const perKind = new Set(['review.approved', 'review.rejected', 'numbers.issued', 'unsubscribe.finished']);
  for (const e of NOTICE_EVENT_NAMES) if (!perKind.has(e)) choices.push(e);
  return choices.map((value) => ({ value, label: noticeEventLabel(value, lang) }));
}
