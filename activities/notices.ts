import type { Tx } from '../db/client.js';
import { templateInForce } from '../db/notice-templates.js';
import { KIND_LABELS, type Language } from '../domain/labels.js';
import { renderTemplate, type NoticeChannel, type NoticeEvent, type NoticeFacts } from '../domain/notice-templates.js';
import type { ReviewKind } from '../domain/review.js';

/** Renders a notice with the wording in force (an admin's override or the default) in the reader's language. */
export async function renderNotice(
  tx: Tx,
  event: NoticeEvent,
  channel: NoticeChannel,
  language: Language,
  facts: NoticeFacts & { kind?: string },
): Promise<{ subject: string | null; text: string }> {
  const template = await templateInForce(tx, event, channel, language);
  const kindLabel = facts.kind ? (KIND_LABELS[facts.kind as ReviewKind]?.[language] ?? String(facts.kind)) : '';
  const { subject, text } = renderTemplate(template, { kindLabel, ...facts });
  return { subject, text };
}

/** Times in notices are read in Beijing time, as the tenants and staff do. */
export function beijingTime(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}
