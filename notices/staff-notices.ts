import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { notificationOutbox, staff } from '../db/schema.js';
import type { Language } from '../domain/labels.js';
import { noticeRenderer } from './render.js';
import { staffNoticeFacts } from './review-facts.js';
import type { ReviewRow } from '../db/reviews.js';
import { PUBLIC_URL_SETTING, readSetting } from '../db/settings.js';

export type StaffEvent = 'review.at_risk' | 'review.breached' | 'review.reminded' | 'reminder.escalated' | 'provisioning.at_risk' | 'provisioning.breached' | 'review.note_mentioned';
/** Who hears: by their part in the review, or named people (those a note mentions). */
export type Audience = 'assignee_or_reviewers' | 'supervisors' | { staffIds: string[] };

/**
 * Queues one email per staff member who must hear about a review event: the assignee (or,
 * unassigned, every reviewer) or the supervisors. The dedupe key makes it once per cause.
 */
export async function queueStaffNotices(
  tx: Tx,
  review: Pick<ReviewRow, 'id' | 'kind' | 'title' | 'assigneeId' | 'tenantId' | 'subjectId'>,
  event: StaffEvent,
  audience: Audience,
  cause: string,
  facts: { due?: string; n?: number; answerBy?: string; author?: string; note?: string } = {},
): Promise<number> {
  if (typeof audience === 'object' && audience.staffIds.length === 0) return 0;
  const recipients =
    typeof audience === 'object'
      ? await tx.select().from(staff).where(and(inArray(staff.id, audience.staffIds), eq(staff.active, true)))
      : audience === 'supervisors'
      ? await tx.select().from(staff).where(and(eq(staff.role, 'supervisor'), eq(staff.active, true)))
      : review.assigneeId
        ? await tx.select().from(staff).where(and(eq(staff.id, review.assigneeId), eq(staff.active, true)))
        : // The kind's reviewers: those who chose it, or chose no kinds (they handle every kind).
          await tx
            .select()
            .from(staff)
            .where(and(inArray(staff.role, ['reviewer']), eq(staff.active, true), sql`(cardinality(${staff.kinds}) = 0 or ${review.kind} = any(${staff.kinds}))`));
  if (recipients.length === 0) return 0;
  const render = noticeRenderer(tx);
  const base = (await readSetting(tx, PUBLIC_URL_SETTING)) ?? '';
  const rows = [];
  for (const s of recipients) {
    const lang = s.language as Language;
    const { subject, text } = await render(event, 'email', lang, staffNoticeFacts(review, s.name, lang, base, facts));
    rows.push({
      event,
      channel: 'email' as const,
      recipient: s.email,
      tenantId: review.tenantId,
      reviewId: review.id,
      language: lang,
      subject,
      body: text,
      dedupeKey: `${cause}:staff:${s.id}`,
    });
  }
  await tx.insert(notificationOutbox).values(rows).onConflictDoNothing({ target: notificationOutbox.dedupeKey });
  return rows.length;
}
