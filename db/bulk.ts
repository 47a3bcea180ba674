import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { bulkJobItems, bulkJobs, reviews, tenants } from './schema.js';
import type { Refusal } from '../domain/refusals.js';

export type BulkJobRow = typeof bulkJobs.$inferSelect;

export async function insertBulkJob(tx: Tx, job: typeof bulkJobs.$inferInsert, reviewIds: string[]): Promise<BulkJobRow> {
  const [row] = await tx.insert(bulkJobs).values(job).returning();
  if (!row) throw new Error('bulk job insert returned nothing');
  for (let i = 0; i < reviewIds.length; i += 1000) {
    await tx.insert(bulkJobItems).values(reviewIds.slice(i, i + 1000).map((reviewId, k) => ({ jobId: row.id, reviewId, position: i + k })));
  }
  return row;
}

export async function findBulkJob(db: Db, id: string): Promise<BulkJobRow | undefined> {
  const [row] = await db.select().from(bulkJobs).where(eq(bulkJobs.id, id));
  return row;
}

export async function pendingBulkItems(db: Db, jobId: string, limit: number) {
  return db
    .select({ reviewId: bulkJobItems.reviewId, round: reviews.round, kind: reviews.kind })
    .from(bulkJobItems)
    .innerJoin(reviews, eq(reviews.id, bulkJobItems.reviewId))
    .where(and(eq(bulkJobItems.jobId, jobId), eq(bulkJobItems.state, 'pending')))
    .orderBy(asc(bulkJobItems.position))
    .limit(limit);
}

export async function recordBulkItem(db: Db, jobId: string, reviewId: string, state: 'applied' | 'refused' | 'failed', refusal: Refusal | null): Promise<void> {
  await db
    .update(bulkJobItems)
    .set({ state, refusal, doneAt: sql`now()` })
    .where(and(eq(bulkJobItems.jobId, jobId), eq(bulkJobItems.reviewId, reviewId), eq(bulkJobItems.state, 'pending')));
}

export async function finishBulkJob(db: Db, jobId: string): Promise<void> {
  await db.update(bulkJobs).set({ finishedAt: sql`now()` }).where(and(eq(bulkJobs.id, jobId), sql`${bulkJobs.finishedAt} is null`));
}

export async function bulkProgress(db: Db, jobId: string): Promise<Record<'pending' | 'applied' | 'refused' | 'failed', number>> {
  const rows = await db.select({ state: bulkJobItems.state, n: sql<number>`count(*)::int` }).from(bulkJobItems).where(eq(bulkJobItems.jobId, jobId)).groupBy(bulkJobItems.state);
  const counts = { pending: 0, applied: 0, refused: 0, failed: 0 };
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/** The job's items in their order, with what each review is, for the results page. */
export async function bulkItems(db: Db, jobId: string, onlyProblems: boolean, limit = 500) {
  return db
    .select({ item: bulkJobItems, title: reviews.title, kind: reviews.kind, status: reviews.status, tenantName: tenants.name })
    .from(bulkJobItems)
    .innerJoin(reviews, eq(reviews.id, bulkJobItems.reviewId))
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .where(and(eq(bulkJobItems.jobId, jobId), onlyProblems ? sql`${bulkJobItems.state} in ('refused', 'failed')` : undefined))
    .orderBy(asc(bulkJobItems.position))
    .limit(limit);
}

/** Jobs not finished a while after they were created: their workflow start may have been lost. */
export async function unfinishedBulkJobs(db: Db, olderThan: Date, limit = 20): Promise<BulkJobRow[]> {
  return db
    .select()
    .from(bulkJobs)
    .where(and(sql`${bulkJobs.finishedAt} is null`, sql`${bulkJobs.createdAt} < ${olderThan.toISOString()}::timestamptz`))
    .limit(limit);
}
