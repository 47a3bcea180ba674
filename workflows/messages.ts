import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CityProgress } from '../domain/numbers.js';
import type { Actor, Decision, DecisionOutcome, SlaState } from '../domain/review.js';
import type { DeadlineRule } from '../domain/working-time.js';

/** What a staff member sends to decide a review round. */
export interface DecideRequest {
  round: number;
  outcome: DecisionOutcome;
  reasonCode: string | null;
  reasonText: string | null;
  actor: Actor;
  /** A claim left this long lapses: others may then decide. Absent: claims never lapse. */
  claimIdleMinutes?: number;
}

export interface ClaimRequest {
  round: number;
  actor: Actor;
  claimIdleMinutes?: number;
}

/** A supervisor gives the round to a reviewer (or takes it back: assignee null). */
export interface AssignRequest {
  round: number;
  actor: Actor;
  assignee: Actor | null;
}

export interface Deadline {
  dueAt: string;
  atRiskAt: string;
  /** Recomputes bump it; a signal or read with an older version is ignored. */
  version: number;
}

export interface OpenReminder {
  number: number;
  at: string;
  answerDueAt: string;
}

export interface RoundState {
  round: number;
  decision: Decision | null;
  closed: 'decided' | 'superseded' | 'withdrawn' | null;
  assigneeId: string | null;
  deadlineReached: boolean;
  sla?: SlaState;
  deadline?: Deadline;
  reminders?: { count: number; lastAt: string | null; open: OpenReminder[] };
  /** Which stage of the lifecycle the submission is in. */
  stage?: 'precheck' | 'review' | 'fulfilment';
  /** When the current holder took the round (workflow time). */
  assignedAt?: string | null;
  /** The provisioning stage after approval, once it has begun. */
  fulfilment?: { cities: CityProgress[]; complete: boolean; sla: SlaState; deadline: Deadline };
}

/** The tenant's reminder as the server accepted it; the limits travel with it so the validator can settle races. */
export interface RemindRequest {
  round: number;
  at: string;
  maxPerRound: number;
  coolDownMinutes: number;
  /** The tenant's Idempotency-Key, recorded so a retried request is recognised. */
  requestKey?: string;
  /** When the reminder must be answered, from the policy in force when it was accepted. */
  answerWithin?: DeadlineRule;
}

export interface ReplyRequest {
  round: number;
  actor: Actor;
  message: string;
}

export const decideUpdate = defineUpdate<Decision, [DecideRequest]>('decide');
export const claimUpdate = defineUpdate<{ assigneeId: string }, [ClaimRequest]>('claim');
/** The holder lets go, or a supervisor assigns it to someone (or to nobody). */
export const releaseUpdate = defineUpdate<{ assigneeId: null }, [ClaimRequest]>('release');
export const assignUpdate = defineUpdate<{ assigneeId: string | null }, [AssignRequest]>('assign');
/** The tenant resubmitted: this round ends without a decision. */
export const supersedeSignal = defineSignal<[{ nextRound: number }]>('supersede');
/** The tenant withdrew the submission. */
export const withdrawSignal = defineSignal('withdraw');
export const stateQuery = defineQuery<RoundState>('state');
/** A recompute moved this round's deadline (sent only when a timer must fire earlier). */
export const deadlineChangedSignal = defineSignal<[Deadline]>('deadlineChanged');
export const remindUpdate = defineUpdate<OpenReminder, [RemindRequest]>('remind');
/** A rule or calendar change moved when open reminders must be answered: the round reads their times again. */
export const reminderRuleChangedSignal = defineSignal('reminderRuleChanged');
export const replyUpdate = defineUpdate<{ answered: number }, [ReplyRequest]>('reply');
