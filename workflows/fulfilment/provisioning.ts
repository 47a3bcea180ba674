import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { checkIssue, isComplete, type CityProgress, type IssueRequestCity } from '../../domain/numbers.js';
import { canDecide } from '../../domain/review.js';
import { acts } from '../activities.js';
import type { RoundContext } from '../round/context.js';
import { refuse } from '../round/refuse.js';
import { followDeadlineSignals, watchStageDeadline, type StageClock } from './deadline.js';
import { issueNumbersUpdate } from './messages.js';

/**
 * Provisioning: after an order is approved, staff issue its numbers city by city against a
 * deadline of its own. The stage stays open until every city has all it ordered; partial
 * issues are allowed and shown.
 */
export interface ProvisioningContext {
  round: RoundContext;
  started: boolean;
  complete: boolean;
  cities: CityProgress[];
  /** Numbers of requests accepted but not yet written, per city: the validator counts them as issued. */
  reserved: Map<string, number>;
  clock: StageClock;
}

function publish(ctx: ProvisioningContext): void {
  ctx.round.state.fulfilment = { cities: ctx.cities, complete: ctx.complete, sla: ctx.clock.sla, deadline: { ...ctx.clock.deadline } };
}

function reserve(ctx: ProvisioningContext, cities: IssueRequestCity[], sign: 1 | -1): void {
  for (const c of cities) ctx.reserved.set(c.city, (ctx.reserved.get(c.city) ?? 0) + sign * c.numbers.length);
}

const withReserved = (ctx: ProvisioningContext): CityProgress[] => ctx.cities.map((c) => ({ ...c, issued: c.issued + (ctx.reserved.get(c.city) ?? 0) }));

/**
 * Registers the issue Update when the lifecycle starts, so a request that comes before the
 * stage (or after it) is refused in words rather than left unhandled.
 */
export function openProvisioning(round: RoundContext): ProvisioningContext {
  const { reviewId, round: n } = round.input;
  const ctx: ProvisioningContext = {
    round,
    started: false,
    complete: false,
    cities: [],
    reserved: new Map(),
    clock: {
      deadline: { dueAt: round.input.dueAt, atRiskAt: round.input.dueAt, version: 0 },
      sla: 'on_track',
      moved: false,
      isOpen: () => !ctx.complete,
      markAtRisk: async () => {
        await acts.markStageSla({ reviewId, round: n, dueAt: ctx.clock.deadline.dueAt, to: 'at_risk', stage: 'fulfilment' });
      },
      markBreached: async () => {
        await acts.markStageSla({ reviewId, round: n, dueAt: ctx.clock.deadline.dueAt, to: 'breached', stage: 'fulfilment' });
      },
      readDeadline: () => acts.readDeadline({ reviewId, round: n }),
      changed: () => publish(ctx),
    },
  };

  setHandler(
    issueNumbersUpdate,
    async (req) => {
      // Counted before any await, so a second request in the same task is checked against this one.
      reserve(ctx, req.cities, 1);
      let result: Awaited<ReturnType<typeof acts.issueNumbers>>;
      try {
        result = await acts.issueNumbers({ reviewId, round: n, requestKey: req.requestKey, cities: req.cities, actor: req.actor });
      } finally {
        reserve(ctx, req.cities, -1);
      }
      if (!result.applied) refuse(result.refusal.code, result.refusal.params);
      ctx.cities = result.cities;
      if (result.complete) ctx.complete = true;
      publish(ctx);
      return { cities: result.cities, complete: result.complete, issued: result.issued };
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) refuse('role_may_not_issue', { role: req.actor.role });
        if (req.round !== n) refuse('stale_round');
        if (!ctx.started || ctx.complete) refuse('not_provisioning');
        const problem = checkIssue(withReserved(ctx), req.cities);
        if (problem) refuse(problem.code, 'params' in problem ? problem.params : undefined);
      },
    },
  );
  return ctx;
}

/** The approved order moves to provisioning and stays there, its deadline watched, until every city is complete. */
export async function runProvisioning(ctx: ProvisioningContext): Promise<void> {
  const { input, state } = ctx.round;
  const opened = await acts.openFulfilment({ reviewId: input.reviewId, round: input.round, kind: input.kind });
  if (!opened) return;
  state.stage = 'fulfilment';
  ctx.cities = opened.cities;
  Object.assign(ctx.clock.deadline, opened.deadline);
  ctx.complete = opened.status === 'issued' || isComplete(opened.cities);
  ctx.started = true;
  followDeadlineSignals(ctx.clock);
  publish(ctx);
  await Promise.all([watchStageDeadline(ctx.clock), condition(() => ctx.complete)]);
  await condition(allHandlersFinished);
  publish(ctx);
}
