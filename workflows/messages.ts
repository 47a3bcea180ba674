import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, Decision, DecisionOutcome } from '../domain/review.js';

/** What a staff member sends to decide a review round. */
export interface DecideRequest {
  round: number;
  outcome: DecisionOutcome;
  reasonCode: string | null;
  reasonText: string | null;
  actor: Actor;
}

export interface ClaimRequest {
  round: number;
  actor: Actor;
}

export interface RoundState {
  round: number;
  decision: Decision | null;
  closed: 'decided' | 'superseded' | 'withdrawn' | null;
  assigneeId: string | null;
  deadlineReached: boolean;
}

export const decideUpdate = defineUpdate<Decision, [DecideRequest]>('decide');
export const claimUpdate = defineUpdate<{ assigneeId: string }, [ClaimRequest]>('claim');
/** The tenant resubmitted: this round ends without a decision. */
export const supersedeSignal = defineSignal<[{ nextRound: number }]>('supersede');
/** The tenant withdrew the submission. */
export const withdrawSignal = defineSignal('withdraw');
export const stateQuery = defineQuery<RoundState>('state');
