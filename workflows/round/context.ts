import type { ReviewKind } from '../../domain/review.js';
import type { Deadline, OpenReminder, RoundState } from '../messages.js';

export interface ReviewRoundInput {
  reviewId: string;
  kind: ReviewKind;
  round: number;
  submittedAt: string;
  dueAt: string;
  /** Absent in rounds started before at-risk timers existed: then the round only waits for its deadline. */
  atRiskAt?: string;
  assigneeId: string | null;
  /** The stages of this submission, fixed when it starts (absent: review only, as rounds always were). */
  stages?: { precheck: boolean; review: boolean; fulfilment: 'provisioning' | 'batch' | null };
}

/** What the round's handlers and watchers share. */
export interface RoundContext {
  input: ReviewRoundInput;
  state: RoundState;
  deadline: Deadline;
  reminders: { count: number; lastAt: string | null; open: OpenReminder[] };
  /** Set by a deadlineChanged signal, cleared when the deadline watcher goes back to sleep. */
  deadlineMoved: boolean;
  /** Set by a reminderRuleChanged signal while reminders are open, cleared once their times are read again. */
  remindersMoved: boolean;
}

export function createRoundContext(input: ReviewRoundInput): RoundContext {
  const deadline: Deadline = { dueAt: input.dueAt, atRiskAt: input.atRiskAt ?? input.dueAt, version: 0 };
  const reminders: RoundContext['reminders'] = { count: 0, lastAt: null, open: [] };
  const state: RoundState = {
    round: input.round,
    decision: null,
    closed: null,
    assigneeId: input.assigneeId,
    deadlineReached: false,
    sla: 'on_track',
    deadline,
    reminders,
    stage: input.stages?.precheck ? 'precheck' : 'review',
    assignedAt: input.assigneeId ? input.submittedAt : null,
  };
  return { input, state, deadline, reminders, deadlineMoved: false, remindersMoved: false };
}

/** Still waiting for a decision. */
export const isOpen = (ctx: RoundContext): boolean => ctx.state.closed === null && ctx.state.decision === null;

export const roundKey = (ctx: RoundContext) => ({ reviewId: ctx.input.reviewId, round: ctx.input.round });
