import type { ReviewRow } from '../../../db/reviews.js';
import type { Versions } from '../../../db/rules-version.js';
import { recomputeIfRulesMoved, recomputeStartedIfRulesMoved } from '../../../deadlines/recompute.js';
import { startOrLeaveForSweeper, type StartedAs } from '../../../temporal/start-round.js';
import type { AppDeps } from '../../deps.js';

/**
 * Starts a committed round's lifecycle and catches a rule or calendar change that committed
 * between the versions its deadline was computed under and its own commit (see
 * recomputeIfRulesMoved). Answers the row as it now stands.
 */
export async function startCatchingRuleChanges(deps: Pick<AppDeps, 'db' | 'reviews' | 'log'>, row: ReviewRow, used: Versions, done: StartedAs = {}): Promise<ReviewRow> {
  const now = await startOrLeaveForSweeper(deps, row, done);
  // Started: the started mark read the versions after the commit, in the same statement.
  if (now) return recomputeStartedIfRulesMoved({ db: deps.db, log: deps.log, temporal: deps.reviews.recomputeTarget().client }, row, used, now);
  // Left for the sweeper, which starts the round from its row: the row holds the right deadline first.
  return recomputeIfRulesMoved(deps.db, row, used, deps.log);
}
