import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import { canDecide, currentHolder, mayAssign, mayDecideAssigned, type Decision } from '../../domain/review.js';
import { acts, localActs } from '../activities.js';
import { assignUpdate, claimUpdate, decideUpdate, releaseUpdate, type DecideRequest } from '../messages.js';
import type { RoundContext } from './context.js';
import { refuse } from './refuse.js';

/**
 * Staff Updates (decide, claim, release, assign) write the read model as a local activity from this
 * change on: the Update is accepted, written and answered in one workflow task. Rounds whose
 * histories recorded these writes as activity tasks replay them as such.
 */
export const LOCAL_STAFF_WRITES = 'staff-updates-as-local-activities';

/** The activities a staff Update calls: local ones unless this round recorded them as activity tasks. */
const staffActs = () => (patched(LOCAL_STAFF_WRITES) ? localActs : acts);

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

/** The holder now, a lapsed claim counting as none. */
const holder = (ctx: RoundContext, idleMinutes: number | undefined) => currentHolder(ctx.state.assigneeId, ctx.state.assignedAt, idleMinutes, Date.now());

function validateDecision(ctx: RoundContext, req: DecideRequest): void {
  if (!canDecide(req.actor.role)) refuse('role_may_not_decide', { role: req.actor.role });
  refuseIfClosedOrStale(ctx, req.round);
  if (!mayDecideAssigned(req.actor, holder(ctx, req.claimIdleMinutes))) refuse('not_assigned_to_you');
  if (req.outcome === 'rejected' && !req.reasonCode) refuse('reason_required');
}

/** Writes the decision and closes the round; a refused write (stale, withdrawn) leaves the round open to nothing. */
export async function decide(ctx: RoundContext, decision: Decision): Promise<Decision> {
  const { state } = ctx;
  // Set synchronously, before any await, so a second update in the same task is refused by its validator.
  state.decision = decision;
  let result: Awaited<ReturnType<typeof acts.applyDecision>>;
  try {
    result = await staffActs().applyDecision({ reviewId: ctx.input.reviewId, kind: ctx.input.kind, decision });
  } catch (err) {
    // The write failed for good: the round takes decisions again rather than claiming one it never stored.
    state.decision = null;
    throw err;
  }
  if (!result.applied && result.reason === 'refused') {
    // A rule the approval depends on no longer holds (a type frozen, an enterprise changed): the
    // round stays open and the person reads why. Histories recorded before never return this.
    state.decision = null;
    refuse(result.refusal.code, result.refusal.params);
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
  // Written by an earlier attempt whose workflow task was lost: the stored instant is the decision's.
  if (result.decidedAt) state.decision = { ...decision, decidedAt: result.decidedAt };
  return state.decision;
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
      ctx.state.assignedAt = new Date().toISOString();
      await staffActs().assignReview({ reviewId: ctx.input.reviewId, round: ctx.input.round, assignee: req.actor, by: req.actor });
      return { assigneeId: req.actor.id };
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) refuse('role_may_not_claim', { role: req.actor.role });
        refuseIfClosedOrStale(ctx, req.round);
        const current = holder(ctx, req.claimIdleMinutes);
        if (current && current !== req.actor.id && req.actor.role === 'reviewer') refuse('claimed_by_other');
      },
    },
  );

  setHandler(
    releaseUpdate,
    async (req) => {
      ctx.state.assigneeId = null;
      ctx.state.assignedAt = null;
      await staffActs().releaseReview({ reviewId: ctx.input.reviewId, round: ctx.input.round, by: req.actor });
      return { assigneeId: null };
    },
    {
      validator: (req) => {
        refuseIfClosedOrStale(ctx, req.round);
        if (ctx.state.assigneeId !== req.actor.id && !mayAssign(req.actor.role)) refuse('not_assigned_to_you');
      },
    },
  );

  setHandler(
    assignUpdate,
    async (req) => {
      ctx.state.assigneeId = req.assignee?.id ?? null;
      ctx.state.assignedAt = req.assignee ? new Date().toISOString() : null;
      if (req.assignee) await staffActs().assignReview({ reviewId: ctx.input.reviewId, round: ctx.input.round, assignee: req.assignee, by: req.actor });
      else await staffActs().releaseReview({ reviewId: ctx.input.reviewId, round: ctx.input.round, by: req.actor });
      return { assigneeId: ctx.state.assigneeId };
    },
    {
      validator: (req) => {
        if (!mayAssign(req.actor.role)) refuse('role_may_not_assign', { role: req.actor.role });
        refuseIfClosedOrStale(ctx, req.round);
        if (req.assignee && !canDecide(req.assignee.role)) refuse('role_may_not_decide', { role: req.assignee.role });
      },
    },
  );
}
