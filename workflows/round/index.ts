import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import type { Decision } from '../../domain/review.js';
import { stateQuery, supersedeSignal, withdrawSignal } from '../messages.js';
import { createRoundContext, type ReviewRoundInput, type RoundContext } from './context.js';
import { installDecisionHandlers } from './decisions.js';
import { installDeadlineHandlers, waitForDeadlineOnly, watchDeadline } from './deadline.js';
import { installReminderHandlers, watchReminders } from './reminders.js';

export type RoundResult = { closed: 'decided'; decision: Decision } | { closed: 'superseded' | 'withdrawn' };

/**
 * Registers every handler of a review round at once, before anything awaits, so a message that
 * arrives with the start is handled like any other.
 */
export function openRound(input: ReviewRoundInput): RoundContext {
  const ctx = createRoundContext(input);
  setHandler(stateQuery, () => ctx.state);
  installDecisionHandlers(ctx);
  installDeadlineHandlers(ctx);
  installReminderHandlers(ctx);
  setHandler(supersedeSignal, () => {
    if (!ctx.state.closed) ctx.state.closed = 'superseded';
  });
  setHandler(withdrawSignal, () => {
    if (!ctx.state.closed) ctx.state.closed = 'withdrawn';
  });
  return ctx;
}

/** Waits for the round's end (a decision, the tenant's edit or withdrawal) while its deadline and reminders run. */
export async function runRound(ctx: RoundContext): Promise<RoundResult> {
  ctx.state.stage = 'review';
  if (patched('sla-at-risk-and-reminders')) {
    await Promise.all([watchDeadline(ctx), watchReminders(ctx), condition(() => ctx.state.closed !== null)]);
  } else {
    await waitForDeadlineOnly(ctx);
  }
  await condition(() => ctx.state.closed !== null);
  await condition(allHandlersFinished);
  const { state } = ctx;
  if (state.closed === 'decided' && state.decision) return { closed: 'decided', decision: state.decision };
  return { closed: state.closed === 'withdrawn' ? 'withdrawn' : 'superseded' };
}
