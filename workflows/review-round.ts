import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import { canDecide, mayDecideAssigned, type Decision, type ReviewKind } from '../domain/review.js';
import { claimUpdate, decideUpdate, stateQuery, supersedeSignal, withdrawSignal, type RoundState } from './messages.js';

export interface ReviewRoundInput {
  reviewId: string;
  kind: ReviewKind;
  round: number;
  submittedAt: string;
  dueAt: string;
  assigneeId: string | null;
}

export type ReviewRoundResult = { closed: 'decided'; decision: Decision } | { closed: 'superseded' | 'withdrawn' };

const { applyDecision, assignReview, markDeadlineReached } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One review round, from submission to its end: decided by staff, superseded by the
 * tenant's resubmission, or withdrawn. It holds the truth about the round; the read model
 * in Postgres follows through activities.
 */
export async function reviewRound(input: ReviewRoundInput): Promise<ReviewRoundResult> {
  const state: RoundState = {
    round: input.round,
    decision: null,
    closed: null,
    assigneeId: input.assigneeId,
    deadlineReached: false,
  };

  const refuseIfClosedOrStale = (round: number): void => {
    if (state.closed === 'superseded' || round !== input.round) {
      throw new Error(`stale: the tenant resubmitted; reload to review the current round`);
    }
    if (state.closed === 'withdrawn') throw new Error('the tenant withdrew this submission');
    if (state.decision) {
      const d = state.decision;
      throw new Error(`already ${d.outcome} by ${d.decidedBy.name} at ${d.decidedAt}`);
    }
  };

  setHandler(stateQuery, () => state);

  setHandler(
    decideUpdate,
    async (req) => {
      // Set synchronously, before any await, so a second update in the same task is refused by its validator.
      const decision: Decision = {
        round: req.round,
        outcome: req.outcome,
        reasonCode: req.reasonCode,
        reasonText: req.reasonText,
        decidedAt: new Date().toISOString(),
        decidedBy: req.actor,
      };
      state.decision = decision;
      const result = await applyDecision({ reviewId: input.reviewId, kind: input.kind, decision });
      if (!result.applied) {
        state.decision = null;
        state.closed = result.reason === 'withdrawn' ? 'withdrawn' : 'superseded';
        throw ApplicationFailure.nonRetryable(
          result.reason === 'withdrawn' ? 'the tenant withdrew this submission' : 'stale: the tenant resubmitted; reload to review the current round',
          'StaleRound',
        );
      }
      state.closed = 'decided';
      return decision;
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) throw new Error(`the ${req.actor.role} role may not decide reviews`);
        refuseIfClosedOrStale(req.round);
        if (!mayDecideAssigned(req.actor, state.assigneeId)) throw new Error('not assigned to you');
        if (req.outcome === 'rejected' && !req.reasonCode) throw new Error('a rejection needs a reason');
      },
    },
  );

  setHandler(
    claimUpdate,
    async (req) => {
      state.assigneeId = req.actor.id;
      await assignReview({ reviewId: input.reviewId, round: input.round, assignee: req.actor, by: req.actor });
      return { assigneeId: req.actor.id };
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) throw new Error(`the ${req.actor.role} role may not claim reviews`);
        refuseIfClosedOrStale(req.round);
        if (state.assigneeId && state.assigneeId !== req.actor.id && req.actor.role === 'reviewer') {
          throw new Error('already claimed by someone else');
        }
      },
    },
  );

  setHandler(supersedeSignal, () => {
    if (!state.closed) state.closed = 'superseded';
  });
  setHandler(withdrawSignal, () => {
    if (!state.closed) state.closed = 'withdrawn';
  });

  const untilDue = Date.parse(input.dueAt) - Date.now();
  const closedBeforeDue = untilDue > 0 ? await condition(() => state.closed !== null, untilDue) : state.closed !== null;
  if (!closedBeforeDue && state.decision === null) {
    state.deadlineReached = true;
    await markDeadlineReached({ reviewId: input.reviewId, round: input.round, dueAt: input.dueAt });
  }
  await condition(() => state.closed !== null);
  await condition(allHandlersFinished);

  if (state.closed === 'decided' && state.decision) return { closed: 'decided', decision: state.decision };
  return { closed: state.closed === 'withdrawn' ? 'withdrawn' : 'superseded' };
}
