import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { notificationOutbox, reviewEvents, reviews, staff } from './schema.js';

/** What a review page reads beyond the review itself, in a handful of indexed queries. */

export async function staffName(db: Db, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [row] = await db.select({ name: staff.name }).from(staff).where(eq(staff.id, id));
  return row?.name ?? null;
}

export async function otherReviewsOfTenant(db: Db, tenantId: string, excludeId: string, limit = 10) {
  return db
    .select({ id: reviews.id, kind: reviews.kind, title: reviews.title, status: reviews.status, submittedAt: reviews.submittedAt })
    .from(reviews)
    .where(and(eq(reviews.tenantId, tenantId), ne(reviews.id, excludeId)))
    .orderBy(desc(reviews.submittedAt), desc(reviews.id))
    .limit(limit);
}

export async function noticesOfReview(db: Db, reviewId: string) {
  return db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, reviewId)).orderBy(asc(notificationOutbox.createdAt));
}

/** How many contacts a decision's notices went to (one email and one SMS each). */
export async function contactsToldOfDecision(db: Db, reviewId: string, round: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${notificationOutbox.contactId})::int` })
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.reviewId, reviewId), sql`${notificationOutbox.dedupeKey} like ${`${reviewId}:${round}:decided:%`}`));
  return row?.n ?? 0;
}

/** How many contacts the latest reminder reply reached. */
export async function contactsToldOfLastReply(db: Db, reviewId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(distinct ${notificationOutbox.contactId})::int` })
    .from(notificationOutbox)
    .where(
      and(
        eq(notificationOutbox.reviewId, reviewId),
        eq(notificationOutbox.event, 'reminder.replied'),
        sql`${notificationOutbox.createdAt} = (select max(created_at) from notification_outbox where review_id = ${reviewId} and event = 'reminder.replied')`,
      ),
    );
  return row?.n ?? 0;
}

/** The submitted content of each round, from the timeline: what an edit changed. */
export async function snapshotsByRound(db: Db, reviewId: string): Promise<Map<number, Record<string, unknown>>> {
  const rows = await db
    .select({ round: reviewEvents.round, data: reviewEvents.data })
    .from(reviewEvents)
    .where(and(eq(reviewEvents.reviewId, reviewId), inArray(reviewEvents.type, ['submitted', 'resubmitted'])))
    .orderBy(asc(reviewEvents.id));
  const byRound = new Map<number, Record<string, unknown>>();
  for (const r of rows) {
    const snapshot = (r.data as { snapshot?: Record<string, unknown> }).snapshot;
    if (snapshot) byRound.set(r.round, snapshot);
  }
  return byRound;
}
