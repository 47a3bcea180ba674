import { markWorkflowStarted, type ReviewRow } from '../../db/reviews.js';
import { KINDS } from '../../domain/kinds/index.js';
import type { ReviewKind } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';

/**
 * Starts the lifecycle of a review's current round after its row is committed. If this
 * fails, the row stays marked unstarted and the worker's sweeper starts it later.
 */
export async function startCurrentRound(deps: Pick<AppDeps, 'db' | 'reviews' | 'log'>, row: ReviewRow): Promise<void> {
  await deps.reviews.startRound({
    reviewId: row.id,
    tenantId: row.tenantId,
    kind: row.kind as ReviewKind,
    round: row.round,
    submittedAt: row.submittedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    atRiskAt: row.atRiskAt?.toISOString(),
    assigneeId: row.assigneeId,
    stages: KINDS[row.kind as ReviewKind].stages,
  });
  await markWorkflowStarted(deps.db, row.id, row.round);
}
