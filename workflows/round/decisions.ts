import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { canDecide, mayDecideAssigned, type Decision } from '../../domain/review.js';
import { acts } from '../activities.js';
import { claimUpdate, decideUpdate, type DecideRequest } from '../messages.js';
import type { RoundContext } from './context.js';
import { refuse } from './refuse.js';

/** Refuses anything sent to a round that no longer takes it, saying why. */
export function refuseIfClosedOrStale(ctx: RoundContext, round: number): void {
  const { state } = ctx;
  if (state.closed === 'superseded' || round !== ctx.input.round) refuse('stale_round');
  if (state.closed === 'withdrawn') refuse('withdrawn');
  if (state.decision) {
    const d = state.decision;
    refuse('already_decided', { outcome: d.outcome, by: d.decidedBy.name, at: d.decidedAt });
  }
  if (state.stage === 'precheck') refuse('precheck_running');
}

function validateDecision(ctx: RoundContext, req: DecideRequest): void {
  if (!canDecide(req.actor.role)) refuse('role_may_not_decide', { role: req.actor.role });
  refuseIfClosedOrStale(ctx, req.round);
  if (!mayDecideAssigned(req.actor, ctx.state.assigneeId)) refuse('not_assigned_to_you');
  if (req.outcome === 'rejected' && !req.reasonCode) refuse('reason_required');
}

/** Writes the decision and closes the round; a refused write (stale, withdrawn) leaves the round open to nothing. */
export async function decide(ctx: RoundContext, decision: Decision): Promise<Decision> {
  const { state } = ctx;
  // Set synchronously, before any await, so a second update in the same task is refused by its validator.
  state.decision = decision;
  let result: Awaited<ReturnType<typeof acts.applyDecision>>;
  try {
    result = await acts.applyDecision({ reviewId: ctx.input.reviewId, kind: ctx.input.kind, decision });
  } catch (err) {
    // The write failed for good: the round takes decisions again rather than claiming one it never stored.
    state.decision = null;
    throw err;
  }
  if (!result.applied) {
    state.decision = null;
    state.closed = result.reason === 'withdrawn' ? 'withdrawn' : 'superseded';
    throw ApplicationFailure.create({
      type: 'Refused',
      message: result.reason === 'withdrawn' ? 'withdrawn' : 'stale_round',
      details: [{ code: result.reason === 'withdrawn' ? 'withdrawn' : 'stale_round' }],
      nonRetryable: true,
    });
  }
  state.closed = 'decided';
  return decision;
}

/** Staff decide and claim through Updates whose validators refuse in words. */
export function installDecisionHandlers(ctx: RoundContext): void {
  setHandler(
    decideUpdate,
    (req) =>
      decide(ctx, {
        round: req.round,
        outcome: req.outcome,
        reasonCode: req.reasonCode,
        reasonText: req.reasonText,
        decidedAt: new Date().toISOString(),
        decidedBy: req.actor,
      }),
    { validator: (req) => validateDecision(ctx, req) },
  );

  setHandler(
    claimUpdate,
    async (req) => {
      ctx.state.assigneeId = req.actor.id;
      await acts.assignReview({ reviewId: ctx.input.reviewId, round: ctx.input.round, assignee: req.actor, by: req.actor });
      return { assigneeId: req.actor.id };
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) refuse('role_may_not_claim', { role: req.actor.role });
        refuseIfClosedOrStale(ctx, req.round);
        if (ctx.state.assigneeId && ctx.state.assigneeId !== req.actor.id && req.actor.role === 'reviewer') refuse('claimed_by_other');
      },
    },
  );
}
