import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { reviewEvents, reviews, staff, tenants } from './schema.js';
import type { Db } from './client.js';
import { cursorInstant, cursorInteger, isUuid } from './cursor.js';
import type { ReviewKind, ReviewStatus, SlaState } from '../domain/review.js';

export type ReviewRow = typeof reviews.$inferSelect;
export type ReviewEventRow = typeof reviewEvents.$inferSelect;

export async function findReview(db: Db, id: string): Promise<ReviewRow | undefined> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, id));
  return row;
}

/** A tenant sees only its own reviews: another tenant's id is simply not found. */
export async function findTenantReview(db: Db, tenantId: string, id: string): Promise<ReviewRow | undefined> {
  const [row] = await db.select().from(reviews).where(and(eq(reviews.id, id), eq(reviews.tenantId, tenantId)));
  return row;
}

export const QUEUE_SORTS = ['queue', 'due', 'submitted'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilter {
  /** queue: reminded first, then by deadline; due: by deadline only; submitted: oldest first. */
  sort?: QueueSort;
  kind?: ReviewKind;
  status?: ReviewStatus;
  sla?: SlaState;
  assigneeId?: string;
  after?: QueueCursor;
  limit: number;
}

export interface QueueCursor {
  bucket: number;
  dueAt: Date;
  id: string;
}

export interface QueueItem extends ReviewRow {
  assigneeName: string | null;
  tenantName: string;
}

/**
 * The staff queue in working order: reminded first, then by deadline. Keyset pagination on
 * (queue_bucket, due_at, id) keeps every page an index range scan, whatever the queue size.
 */
export async function listQueue(db: Db, f: QueueFilter): Promise<{ items: QueueItem[]; next: QueueCursor | null }> {
  const where: SQL[] = [eq(reviews.status, f.status ?? 'pending')];
  if (f.kind) where.push(eq(reviews.kind, f.kind));
  if (f.sla) where.push(eq(reviews.slaState, f.sla));
  if (f.assigneeId) where.push(eq(reviews.assigneeId, f.assigneeId));
  const sort = f.sort ?? 'queue';
  const timeColumn = sort === 'submitted' ? reviews.submittedAt : reviews.dueAt;
  if (f.after) {
    const at = sql`${f.after.dueAt.toISOString()}::timestamptz`;
    const id = sql`${f.after.id}::uuid`;
    where.push(
      sort === 'queue'
        ? sql`(${reviews.queueBucket}, ${reviews.dueAt}, ${reviews.id}) > (${f.after.bucket}, ${at}, ${id})`
        : sql`(${timeColumn}, ${reviews.id}) > (${at}, ${id})`,
    );
  }
  const rows = await db
    .select({ review: reviews, assigneeName: staff.name, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .leftJoin(staff, eq(staff.id, reviews.assigneeId))
    .where(and(...where))
    .orderBy(...(sort === 'queue' ? [asc(reviews.queueBucket), asc(reviews.dueAt), asc(reviews.id)] : [asc(timeColumn), asc(reviews.id)]))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map((r) => ({ ...r.review, assigneeName: r.assigneeName, tenantName: r.tenantName }));
  const last = items[items.length - 1];
  const next =
    rows.length > f.limit && last
      ? { bucket: last.queueBucket, dueAt: sort === 'submitted' ? last.submittedAt : last.dueAt, id: last.id }
      : null;
  return { items, next };
}

export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.bucket, c.dueAt.toISOString(), c.id])).toString('base64url');
}

export function decodeCursor(s: string): QueueCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return undefined;
    const [bucket, dueAt, id] = v as [unknown, unknown, unknown];
    const at = cursorInstant(dueAt);
    const wholeBucket = cursorInteger(bucket);
    if (wholeBucket === undefined || !at || !isUuid(id)) return undefined;
    return { bucket: wholeBucket, dueAt: at, id };
  } catch {
    return undefined;
  }
}

export interface TenantListFilter {
  tenantId: string;
  kind?: ReviewKind;
  status?: ReviewStatus;
  after?: { submittedAt: Date; id: string };
  limit: number;
}

/** The tenant's own reviews, newest first, keyset-paginated on (submitted_at, id). */
export async function listTenantReviews(db: Db, f: TenantListFilter): Promise<ReviewRow[]> {
  const where: SQL[] = [eq(reviews.tenantId, f.tenantId)];
  if (f.kind) where.push(eq(reviews.kind, f.kind));
  if (f.status) where.push(eq(reviews.status, f.status));
  if (f.after) where.push(sql`(${reviews.submittedAt}, ${reviews.id}) < (${f.after.submittedAt.toISOString()}::timestamptz, ${f.after.id}::uuid)`);
  return db
    .select()
    .from(reviews)
    .where(and(...where))
    .orderBy(desc(reviews.submittedAt), desc(reviews.id))
    .limit(f.limit);
}

export async function listReviewEvents(db: Db, reviewId: string): Promise<ReviewEventRow[]> {
  return db.select().from(reviewEvents).where(eq(reviewEvents.reviewId, reviewId)).orderBy(asc(reviewEvents.id));
}

export async function markWorkflowStarted(db: Db, reviewId: string, round: number): Promise<void> {
  await db
    .update(reviews)
    .set({ workflowStartedAt: sql`now()` })
    .where(and(eq(reviews.id, reviewId), eq(reviews.round, round), sql`${reviews.workflowStartedAt} is null`));
}

/** Open rounds whose workflow start was not confirmed (the process died between commit and start). */
export async function listUnstartedRounds(db: Db, olderThan: Date, limit: number): Promise<ReviewRow[]> {
  return db
    .select()
    .from(reviews)
    .where(and(sql`${reviews.workflowStartedAt} is null`, sql`${reviews.updatedAt} < ${olderThan.toISOString()}::timestamptz`))
    .limit(limit);
}

export async function findReviewForStaff(db: Db, id: string): Promise<QueueItem | undefined> {
  const [row] = await db
    .select({ review: reviews, assigneeName: staff.name, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .leftJoin(staff, eq(staff.id, reviews.assigneeId))
    .where(eq(reviews.id, id));
  return row ? { ...row.review, assigneeName: row.assigneeName, tenantName: row.tenantName } : undefined;
}
