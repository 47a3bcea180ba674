import { markWorkflowStarted, type ReviewRow } from '../db/reviews.js';
import { KINDS } from '../domain/kinds/index.js';
import type { ReviewKind } from '../domain/review.js';
import type { Db } from '../db/client.js';
import type { Versions } from '../db/rules-version.js';
import type { Logger } from '../runtime/logger.js';
import { ReviewServiceUnavailable, type ReviewClient } from './review-client.js';

/** What starting a round needs, in the web (after a submission) and in the worker (its sweeper). */
export interface RoundStarter {
  db: Db;
  reviews: ReviewClient;
  log: Logger;
}

/** What intake already did for the round: `checked`, its automatic check passed and is recorded. */
export interface StartedAs {
  checked?: boolean;
}

/**
 * Starts the lifecycle of a review's current round after its row is committed. If this
 * fails, the row stays marked unstarted and the worker's sweeper starts it later (with every
 * stage of its kind: a check intake recorded is not recorded twice).
 */
export async function startCurrentRound(deps: RoundStarter, row: ReviewRow, done: StartedAs = {}): Promise<Versions> {
  const stages = KINDS[row.kind as ReviewKind].stages;
  await deps.reviews.startRound({
    reviewId: row.id,
    tenantId: row.tenantId,
    kind: row.kind as ReviewKind,
    round: row.round,
    submittedAt: row.submittedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    atRiskAt: row.atRiskAt?.toISOString(),
    assigneeId: row.assigneeId,
    stages: done.checked ? { ...stages, precheck: false } : stages,
  });
  return markWorkflowStarted(deps.db, row.id, row.round);
}

/**
 * After a submission committed: start its lifecycle now if Temporal answers, and answer the rules
 * and calendar versions read after the commit (with the started mark). When Temporal is away the
 * submission is still accepted (it is durable and readable), the answer is undefined and the
 * worker's sweeper starts it once Temporal is back; anything else is an error to report.
 */
export async function startOrLeaveForSweeper(deps: RoundStarter, row: ReviewRow, done: StartedAs = {}): Promise<Versions | undefined> {
  try {
    return await startCurrentRound(deps, row, done);
  } catch (err) {
    if (!(err instanceof ReviewServiceUnavailable)) throw err;
    deps.log.warn({ reviewId: row.id, round: row.round }, 'Temporal is unavailable: the lifecycle will be started by the sweeper');
    return undefined;
  }
}
