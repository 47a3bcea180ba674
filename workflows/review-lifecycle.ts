import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import { acts, localActs, precheckActs } from './activities.js';
import type { ReviewRoundInput } from './round/context.js';
import { decide } from './round/decisions.js';
import { openRound, runRound, type RoundResult } from './round/index.js';
import { runBatch, type BatchResult } from './fulfilment/batch.js';
import { openProvisioning, runProvisioning } from './fulfilment/provisioning.js';
import { AUTOMATIC_CHECK } from '../domain/review.js';

export type { ReviewRoundInput } from './round/context.js';
export type ReviewRoundResult = RoundResult | BatchResult;

/** The automatic check runs as a local activity from this change on. */
export const LOCAL_PRECHECK = 'precheck-as-local-activity';
/** From this change on, a check that keeps failing is given up on and the round goes to staff. */
export const PRECHECK_GIVES_UP = 'precheck-gives-up';

/** What made the last try of the check fail, in a line staff can read on the timeline. */
function failureText(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * One submission (one round) from intake to its end: an automatic pre-check before any person
 * looks, the review round where staff decide, and fulfilment after approval. Each stage is
 * optional per kind; which ones run is fixed in the input when the submission starts. A kind
 * nobody reviews (an unsubscribe batch) is its fulfilment alone.
 */
export async function reviewLifecycle(input: ReviewRoundInput): Promise<ReviewRoundResult> {
  const stages = input.stages ?? { precheck: false, review: true, fulfilment: null };
  if (!stages.review && stages.fulfilment === 'batch') return runBatch(input);
  const round = openRound(input);
  const provisioning = stages.fulfilment === 'provisioning' ? openProvisioning(round) : null;

  if (stages.precheck) {
    const args = { reviewId: input.reviewId, kind: input.kind, round: input.round };
    let verdict: Awaited<ReturnType<typeof acts.precheckSubmission>> | undefined;
    if (patched(PRECHECK_GIVES_UP)) {
      try {
        verdict = await precheckActs.precheckSubmission(args);
      } catch (err) {
        // Nothing measured, so nothing to reject for: staff decide, with the timeline saying why.
        await localActs.recordPrecheckFailure({ reviewId: input.reviewId, round: input.round, error: failureText(err) });
      }
    } else {
      // Rounds started before the check ran as a local activity replay with the activity task they recorded.
      verdict = patched(LOCAL_PRECHECK) ? await localActs.precheckSubmission(args) : await acts.precheckSubmission(args);
    }
    if (verdict && !verdict.passed) {
      const decision = await decide(round, {
        round: input.round,
        outcome: 'rejected',
        reasonCode: verdict.reasonCode,
        reasonText: verdict.reasonText,
        ...(verdict.reasonParams ? { reasonParams: verdict.reasonParams } : {}),
        decidedAt: new Date().toISOString(),
        decidedBy: AUTOMATIC_CHECK,
      }).catch(() => null);
      if (decision) return { closed: 'decided', decision };
    }
  }

  const result = await runRound(round);
  if (provisioning && result.closed === 'decided' && result.decision.outcome === 'approved') await runProvisioning(provisioning);
  return result;
}

/**
 * Rounds started before lifecycles had stages ran under this name; they replay through the same code.
 * @alias
 */
export const reviewRound = reviewLifecycle;
