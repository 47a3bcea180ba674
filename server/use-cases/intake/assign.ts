import { and, eq, sql } from 'drizzle-orm';
import { assignmentCandidates, lockAssignment, rememberAssignee } from '../../../db/assignment.js';
import type { Tx } from '../../../db/client.js';
import type { ReviewRow } from '../../../db/reviews.js';
import { reviews } from '../../../db/schema.js';
import { chooseAssignee } from '../../../domain/assignment.js';
import type { AssignmentPolicy } from '../../../domain/rule-set.js';
import type { ReviewKind } from '../../../domain/review.js';
import { recordReviewEvent } from '../../../db/review-events.js';

/**
 * Gives a new round to a reviewer of its kind when the kind's rule set says so, in the intake's own
 * transaction: the row commits with its assignee, so the round's workflow starts with it and a
 * retried submission (same Idempotency-Key) finds it already assigned. The policy is the one in the
 * rule set the round's deadline was computed under. Returns the row as written.
 */
export async function autoAssign(tx: Tx, row: ReviewRow, policy: AssignmentPolicy): Promise<ReviewRow> {
  const kind = row.kind as ReviewKind;
  if (policy === 'none' || row.assigneeId !== null) return row;
  const last = await lockAssignment(tx, kind);
  const candidates = await assignmentCandidates(tx, kind);
  const chosen = chooseAssignee(policy, candidates, last);
  if (!chosen) return row;
  const name = candidates.find((c) => c.id === chosen)?.name ?? '';
  const [updated] = await tx
    .update(reviews)
    // Held from submission, as the round's workflow counts it, so the claim lapses at the same moment on the page.
    .set({ assigneeId: chosen, assignedAt: row.submittedAt, updatedAt: sql`now()` })
    .where(and(eq(reviews.id, row.id), eq(reviews.round, row.round)))
    .returning();
  if (!updated) return row;
  await rememberAssignee(tx, kind, chosen);
  const key = `${row.id}:${row.round}:assigned:${chosen}`;
  await recordReviewEvent(
    tx,
    { reviewId: row.id, round: row.round, type: 'assigned', actorType: 'system', actorName: 'auto-assignment', data: { assigneeId: chosen, assigneeName: name, policy }, dedupeKey: key },
    { actorLabel: `auto-assignment (${policy})`, action: 'review.assign', details: { round: row.round, assigneeId: chosen, policy } },
  );
  return updated;
}
