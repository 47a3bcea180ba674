import { eq, sql } from 'drizzle-orm';
import { reviewEvents, reviews, voiceTemplates } from '../../db/schema.js';
import { findTenantTemplate } from '../../db/voice-templates.js';
import type { ReviewRow } from '../../db/reviews.js';
import type { TenantRow } from '../../db/tenants.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';

/**
 * The tenant deletes a template. A pending review is withdrawn (its workflow ends); a
 * decided one keeps its history. Deleting twice answers 404 the second time.
 */
export async function withdrawVoiceTemplate(deps: AppDeps, tenant: TenantRow, templateId: string): Promise<ReviewRow> {
  const { row, withdrawnRound } = await deps.db.transaction(async (tx) => {
    const template = await findTenantTemplate(tx, tenant.id, templateId);
    if (!template) throw notFound('voice template');
    await tx.update(voiceTemplates).set({ deletedAt: sql`now()` }).where(eq(voiceTemplates.id, template.id));
    const [current] = await tx.select().from(reviews).where(eq(reviews.id, template.reviewId)).for('update');
    if (!current) throw notFound('voice template');
    if (current.status !== 'pending') return { row: current, withdrawnRound: null };
    const [updated] = await tx
      .update(reviews)
      .set({ status: 'withdrawn', queueBucket: 1, updatedAt: sql`now()` })
      .where(eq(reviews.id, current.id))
      .returning();
    await tx.insert(reviewEvents).values({
      reviewId: current.id,
      round: current.round,
      type: 'withdrawn',
      actorType: 'tenant',
      actorId: tenant.id,
      actorName: tenant.name,
    });
    return { row: updated ?? current, withdrawnRound: current.round };
  });
  if (withdrawnRound !== null) await deps.reviews.withdraw(row.id, withdrawnRound);
  return row;
}
