import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { reviewEvents, reviews } from '../db/schema.js';

/** Records that a round passed its deadline undecided. Idempotent. */
export async function markDeadlineReached(db: Db, args: { reviewId: string; round: number; dueAt: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(reviews)
      .set({ slaState: 'breached', updatedAt: sql`now()` })
      .where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round), eq(reviews.status, 'pending')))
      .returning({ id: reviews.id });
    if (updated.length === 0) return;
    await tx
      .insert(reviewEvents)
      .values({
        reviewId: args.reviewId,
        round: args.round,
        type: 'breached',
        actorType: 'system',
        data: { dueAt: args.dueAt },
        dedupeKey: `${args.reviewId}:${args.round}:breached`,
      })
      .onConflictDoNothing({ target: reviewEvents.dedupeKey });
  });
}
