import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { notificationOutbox, staff } from '../db/schema.js';
import { KIND_LABELS, type Language } from '../domain/labels.js';
import type { ReviewRow } from '../db/reviews.js';
import type { ReviewKind } from '../domain/review.js';

export type StaffEvent = 'review.at_risk' | 'review.breached' | 'review.reminded' | 'reminder.escalated';
export type Audience = 'assignee_or_reviewers' | 'supervisors';

const wording: Record<StaffEvent, Record<Language, { subject: string; text: string }>> = {
  'review.at_risk': {
    'zh-CN': { subject: '【即将超时】{kind}“{title}”', text: '{kind}“{title}”即将到达审核时限（{due}），请尽快处理：{link}' },
    en: { subject: '[At risk] {kind} "{title}"', text: '{kind} "{title}" is close to its deadline ({due}). Please decide soon: {link}' },
  },
  'review.breached': {
    'zh-CN': { subject: '【已超时】{kind}“{title}”', text: '{kind}“{title}”已超过审核时限（{due}）仍未处理：{link}' },
    en: { subject: '[Breached] {kind} "{title}"', text: '{kind} "{title}" passed its deadline ({due}) undecided: {link}' },
  },
  'review.reminded': {
    'zh-CN': { subject: '【催审】{kind}“{title}”', text: '租户催审了{kind}“{title}”（第{n}次），请在{answerBy}前处理或回复：{link}' },
    en: { subject: '[Reminder] {kind} "{title}"', text: 'The tenant sent reminder {n} for {kind} "{title}". Decide or reply by {answerBy}: {link}' },
  },
  'reminder.escalated': {
    'zh-CN': { subject: '【催审未响应】{kind}“{title}”', text: '租户对{kind}“{title}”的第{n}次催审在{answerBy}前未得到答复：{link}' },
    en: { subject: '[Unanswered reminder] {kind} "{title}"', text: 'Reminder {n} for {kind} "{title}" was not answered by {answerBy}: {link}' },
  },
};

function fill(template: string, facts: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => facts[k] ?? '');
}

function shanghai(iso: string | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
}

/**
 * Queues one email per staff member who must hear about a review event: the assignee (or,
 * unassigned, every reviewer) or the supervisors. The dedupe key makes it once per cause.
 */
export async function queueStaffNotices(
  tx: Tx,
  review: Pick<ReviewRow, 'id' | 'kind' | 'title' | 'assigneeId' | 'tenantId'>,
  event: StaffEvent,
  audience: Audience,
  cause: string,
  facts: { due?: string; n?: number; answerBy?: string } = {},
): Promise<number> {
  const recipients =
    audience === 'supervisors'
      ? await tx.select().from(staff).where(and(eq(staff.role, 'supervisor'), eq(staff.active, true)))
      : review.assigneeId
        ? await tx.select().from(staff).where(and(eq(staff.id, review.assigneeId), eq(staff.active, true)))
        : await tx.select().from(staff).where(and(inArray(staff.role, ['reviewer']), eq(staff.active, true)));
  if (recipients.length === 0) return 0;
  const rows = recipients.map((s) => {
    const lang = s.language as Language;
    const values = {
      kind: KIND_LABELS[review.kind as ReviewKind]?.[lang] ?? review.kind,
      title: review.title,
      due: shanghai(facts.due),
      n: String(facts.n ?? ''),
      answerBy: shanghai(facts.answerBy),
      link: `/reviews/${review.id}`,
    };
    const w = wording[event][lang];
    return {
      event,
      channel: 'email' as const,
      recipient: s.email,
      tenantId: review.tenantId,
      reviewId: review.id,
      language: lang,
      subject: fill(w.subject, values),
      body: fill(w.text, values),
      dedupeKey: `${cause}:staff:${s.id}`,
    };
  });
  await tx.insert(notificationOutbox).values(rows).onConflictDoNothing({ target: notificationOutbox.dedupeKey });
  return rows.length;
}
