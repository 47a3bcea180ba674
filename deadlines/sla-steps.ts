import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { reviews } from '../db/schema.js';
import type { Deadline } from '../workflows/messages.js';
import { queueStaffNotices } from '../notices/staff-notices.js';
import { recordReviewEvent } from '../db/review-events.js';

/** Which stage's deadline passed a mark: the review round, or the fulfilment after approval (provisioning). */
export type SlaStage = 'review' | 'fulfilment';

const STAGE_STATUS: Record<SlaStage, string> = { review: 'pending', fulfilment: 'provisioning' };
const STAGE_NOTICES = {
  review: { at_risk: 'review.at_risk', breached: 'review.breached' },
  fulfilment: { at_risk: 'provisioning.at_risk', breached: 'provisioning.breached' },
} as const;

async function recordSlaChange(
  db: Db,
  args: { reviewId: string; round: number; dueAt: string },
  to: 'at_risk' | 'breached',
  stage: SlaStage = 'review',
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(reviews)
      .set({ slaState: to, updatedAt: sql`now()` })
      .where(
        and(
          eq(reviews.id, args.reviewId),
          eq(reviews.round, args.round),
          eq(reviews.status, STAGE_STATUS[stage]),
          // Never step back from breached to at risk.
          to === 'at_risk' ? eq(reviews.slaState, 'on_track') : sql`true`,
        ),
      )
      .returning();
    if (!row) return;
    const key = `${args.reviewId}:${args.round}:${stage === 'review' ? '' : 'fulfilment:'}${to === 'at_risk' ? 'at_risk' : 'breached'}`;
    const recorded = await recordReviewEvent(tx, { reviewId: args.reviewId, round: args.round, type: stage === 'review' ? to : `fulfilment_${to}`, actorType: 'system', data: { dueAt: args.dueAt }, dedupeKey: key });
    // A round hears about each SLA step once, even if a recompute moves it back and forth.
    if (!recorded) return;
    if (to === 'at_risk') await queueStaffNotices(tx, row, STAGE_NOTICES[stage].at_risk, 'assignee_or_reviewers', key, { due: args.dueAt });
    else await queueStaffNotices(tx, row, STAGE_NOTICES[stage].breached, 'supervisors', key, { due: args.dueAt });
  });
}

/** The at-risk share of the round's working time has passed: tell the assignee, or the reviewers. */
export const markAtRisk = (db: Db, args: { reviewId: string; round: number; dueAt: string }) => recordSlaChange(db, args, 'at_risk');

/** The round passed its deadline undecided: record it and tell the supervisors. Idempotent. */
export const markDeadlineReached = (db: Db, args: { reviewId: string; round: number; dueAt: string }) => recordSlaChange(db, args, 'breached');

/** A stage after the review (provisioning) passed its at-risk share or its deadline: recorded once, staff told. */
export const markStageSla = (db: Db, args: { reviewId: string; round: number; dueAt: string; to: 'at_risk' | 'breached'; stage: SlaStage }) =>
  recordSlaChange(db, args, args.to, args.stage);

/** The round's deadline as last recomputed, or null when the round is no longer current. */
export async function readDeadline(db: Db, args: { reviewId: string; round: number }): Promise<Deadline | null> {
  const [row] = await db
    .select({ dueAt: reviews.dueAt, atRiskAt: reviews.atRiskAt, version: reviews.deadlineVersion })
    .from(reviews)
    .where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round)));
  if (!row) return null;
  return { dueAt: row.dueAt.toISOString(), atRiskAt: (row.atRiskAt ?? row.dueAt).toISOString(), version: row.version };
}
