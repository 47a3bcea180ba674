import { eq, sql } from 'drizzle-orm';
import type { ReviewRow } from '../../../db/reviews.js';
import { reviews } from '../../../db/schema.js';
import { storeOf } from '../../../db/subjects/index.js';
import type { TenantRow } from '../../../db/tenants.js';
import type { ReviewKind } from '../../../domain/review.js';
import { queueTenantNotices } from '../../../notices/tenant-notices.js';
import type { AppDeps } from '../../deps.js';
import { keyedConflict, notFound, say } from '../../errors.js';
import { recordReviewEvent } from '../../../db/review-events.js';

/**
 * The tenant deletes a submission. A pending review is withdrawn (its lifecycle ends); a decided
 * one keeps its history. Deleting twice answers 404 the second time.
 */
export async function withdrawReview(deps: AppDeps, tenant: TenantRow, kind: ReviewKind, subjectId: string): Promise<ReviewRow> {
  const store = storeOf(kind);
  if (!store.withdraw) throw keyedConflict(say('api.cannotDelete'));
  const { row, withdrawnRound } = await deps.db.transaction(async (tx) => {
    const reviewId = await store.reviewOf(tx, tenant.id, subjectId);
    if (!reviewId) throw notFound(kind.replace(/_/g, ' '));
    const [current] = await tx.select().from(reviews).where(eq(reviews.id, reviewId)).for('update');
    if (!current) throw notFound(kind.replace(/_/g, ' '));
    await store.withdraw!(tx, subjectId, { tell: (notice) => queueTenantNotices(tx, notice) });
    if (current.status !== 'pending') return { row: current, withdrawnRound: null };
    const [updated] = await tx
      .update(reviews)
      .set({ status: 'withdrawn', queueBucket: 1, updatedAt: sql`now()` })
      .where(eq(reviews.id, current.id))
      .returning();
    await recordReviewEvent(tx, { reviewId: current.id, round: current.round, type: 'withdrawn', actorType: 'tenant', actorId: tenant.id, actorName: tenant.name });
    return { row: updated ?? current, withdrawnRound: current.round };
  });
  // The withdrawal is committed: a round not told now (Temporal away) refuses any decision as withdrawn when it writes.
  if (withdrawnRound !== null) await deps.reviews.withdraw(row.id, withdrawnRound).catch((err: unknown) => deps.log.warn({ err, reviewId: row.id }, 'could not tell the round it was withdrawn'));
  return row;
}
