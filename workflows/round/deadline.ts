import { condition, setHandler } from '@temporalio/workflow';
import { acts } from '../activities.js';
import { deadlineChangedSignal } from '../messages.js';
import { slaStateAt } from '../../domain/review.js';
import { isOpen, roundKey, type RoundContext } from './context.js';

/** A recompute that moved this round's deadline earlier says so; older versions are ignored. */
export function installDeadlineHandlers(ctx: RoundContext): void {
  setHandler(deadlineChangedSignal, (next) => {
    if (next.version <= ctx.deadline.version) return;
    Object.assign(ctx.deadline, next);
    ctx.deadlineMoved = true;
  });
}

async function markAtRisk(ctx: RoundContext): Promise<void> {
  ctx.state.sla = 'at_risk';
  await acts.markAtRisk({ ...roundKey(ctx), dueAt: ctx.deadline.dueAt });
}

async function markBreached(ctx: RoundContext): Promise<void> {
  ctx.state.sla = 'breached';
  ctx.state.deadlineReached = true;
  await acts.markDeadlineReached({ ...roundKey(ctx), dueAt: ctx.deadline.dueAt });
}

/** A deadline moved by a recompute may already have passed its at-risk instant or the deadline itself. */
async function followMovedDeadline(ctx: RoundContext): Promise<void> {
  const next = slaStateAt(Date.now(), ctx.deadline);
  if (next === 'breached' && ctx.state.sla !== 'breached') await markBreached(ctx);
  else if (next === 'at_risk' && ctx.state.sla === 'on_track') await markAtRisk(ctx);
  else ctx.state.sla = next;
}

/**
 * Sleeps until the next SLA instant (at risk, then due). A recompute that moves it earlier
 * signals; one that moves it later is found by re-reading the deadline on waking up.
 */
export async function watchDeadline(ctx: RoundContext): Promise<void> {
  const { state, deadline } = ctx;
  while (isOpen(ctx) && state.sla !== 'breached') {
    const target = state.sla === 'on_track' ? deadline.atRiskAt : deadline.dueAt;
    ctx.deadlineMoved = false;
    const ms = Date.parse(target) - Date.now();
    if (ms > 0 && (await condition(() => !isOpen(ctx) || ctx.deadlineMoved, ms))) {
      if (ctx.deadlineMoved && isOpen(ctx)) await followMovedDeadline(ctx);
      continue;
    }
    const fresh = await acts.readDeadline(roundKey(ctx));
    if (fresh && fresh.version > deadline.version) {
      Object.assign(deadline, fresh);
      state.sla = slaStateAt(Date.now(), deadline);
      continue;
    }
    if (!isOpen(ctx)) break;
    if (state.sla === 'on_track' && Date.now() < Date.parse(deadline.dueAt)) await markAtRisk(ctx);
    else await markBreached(ctx);
  }
}

/** Rounds started before at-risk timers existed wait for the deadline only (their histories say so). */
export async function waitForDeadlineOnly(ctx: RoundContext): Promise<void> {
  const { state, input } = ctx;
  const untilDue = Date.parse(input.dueAt) - Date.now();
  const closedBeforeDue = untilDue > 0 ? await condition(() => state.closed !== null, untilDue) : state.closed !== null;
  if (!closedBeforeDue && state.decision === null) {
    state.deadlineReached = true;
    await acts.markDeadlineReached({ ...roundKey(ctx), dueAt: input.dueAt });
  }
}
