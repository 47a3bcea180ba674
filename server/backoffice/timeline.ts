import { storedBilingualReason } from '../../i18n/reason-text.js';
import type { ReviewEventRow } from '../../db/reviews.js';
import type { OutboxRow } from '../../db/outbox.js';
import type { ReviewNote } from '../../db/review-notes.js';
import type { Language } from '../../domain/labels.js';
import { formatTime } from '../../i18n/format.js';
import { translate, translateWith } from '../../i18n/index.js';

export interface TimelineItem {
  at: Date;
  /** Names an icon in the stylesheet (a small coloured mark per kind of event). */
  icon: string;
  label: string;
  details: string[];
  actor: string | null;
  round: number | null;
  tone: 'ok' | 'bad' | 'warn' | 'info' | 'muted';
  /** Set on a note, which the page anchors (`#note-<id>`) for the redirect after writing it. */
  noteId?: string;
}

const TONES: Record<string, TimelineItem['tone']> = {
  approved: 'ok',
  rejected: 'bad',
  breached: 'bad',
  at_risk: 'warn',
  reminded: 'warn',
  reminder_escalated: 'bad',
  precheck_failed: 'warn',
  withdrawn: 'muted',
};

/**
 * The review's story, newest first, in the reader's words: each event with its label and the
 * facts that matter (the reason of a rejection, the reminder's answer-by time), and every notice
 * sent about it with its delivery state.
 */
export function buildTimeline(
  events: ReviewEventRow[],
  notices: OutboxRow[],
  lang: Language,
  reasonLabel: (code: string) => string | undefined,
  /** A reason worded from what was measured (an audio file's format), in each language, by its code. */
  worded?: { code: string | null; text: Partial<Record<Language, string>> },
  /** Staff's internal notes: the review page is for staff, so they stand among the events. */
  notes: ReviewNote[] = [],
): TimelineItem[] {
  const items: TimelineItem[] = events.map((e) => {
    const data = (e.data ?? {}) as Record<string, unknown>;
    const details: string[] = [];
    if (e.type === 'rejected' && typeof data.reasonCode === 'string') {
      details.push(reasonLabel(data.reasonCode) ?? data.reasonCode);
    }
    const measured = e.type === 'rejected' && worded && data.reasonCode === worded.code ? worded.text[lang] : undefined;
    if (measured) details.push(measured);
    else if (typeof data.reasonText === 'string' && data.reasonText) {
      // An automatic reason from before reasons were kept as facts was stored in both languages at once.
      const half = e.actorType === 'system' ? storedBilingualReason(data.reasonText)?.[lang] : undefined;
      details.push(half ?? `“${data.reasonText}”`);
    }
    if (typeof data.message === 'string' && data.message) details.push(`“${data.message}”`);
    if (e.type === 'reminded' && typeof data.number === 'number') {
      details.push(translateWith(lang, 'event.reminderNumber', { n: String(data.number), at: typeof data.answerDueAt === 'string' ? formatTime(data.answerDueAt, lang) : '' }));
    }
    if ((e.type === 'at_risk' || e.type === 'breached') && typeof data.dueAt === 'string') details.push(translateWith(lang, 'event.dueWas', { at: formatTime(data.dueAt, lang) }));
    if (e.type === 'assigned' && typeof data.assigneeName === 'string') details.push(translateWith(lang, 'event.assignedTo', { name: data.assigneeName }));
    if (Array.isArray(data.edit)) details.push(translateWith(lang, 'event.edited', { fields: data.edit.map((f) => translate(lang, `field.${String(f)}`)).join('、') }));
    if (Array.isArray(data.files) && data.files.length > 0) details.push(translateWith(lang, 'event.files', { files: data.files.map((f) => translate(lang, `file.${String(f)}`)).join('、') }));
    return {
      at: e.at,
      icon: e.type,
      label: translate(lang, `event.${e.type}`),
      details,
      actor: e.actorType === 'system' ? translate(lang, 'event.automatic') : e.actorName,
      round: e.round,
      tone: TONES[e.type] ?? 'info',
    };
  });
  for (const n of notices) {
    items.push({
      at: n.sentAt ?? n.createdAt,
      icon: `notice-${n.channel}`,
      label: translate(lang, 'event.notice'),
      details: [translateWith(lang, 'notice.to', { channel: translate(lang, `channel.${n.channel}`), recipient: maskRecipient(n.recipient) }), translate(lang, `noticeState.${n.state}`)],
      actor: null,
      round: null,
      tone: n.state === 'failed' ? 'bad' : n.state === 'delivered' || n.state === 'sent' ? 'ok' : 'muted',
    });
  }
  for (const n of notes) {
    items.push({
      at: n.createdAt,
      icon: 'note',
      label: translate(lang, 'event.note'),
      details: [n.body, ...(n.mentionedNames.length > 0 ? [translateWith(lang, 'event.noteMentioned', { names: n.mentionedNames.join(lang === 'zh-CN' ? '、' : ', ') })] : [])],
      actor: n.authorName,
      round: null,
      tone: 'info',
      noteId: n.id,
    });
  }
  return items.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** Enough of an address to tell contacts apart on a page anyone on staff may open. */
export function maskRecipient(r: string): string {
  const at = r.indexOf('@');
  if (at > 0) return `${r.slice(0, 1)}***${r.slice(at)}`;
  return r.length > 7 ? `${r.slice(0, r.length - 8)}****${r.slice(-4)}` : '****';
}
