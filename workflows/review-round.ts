import { ApplicationFailure, allHandlersFinished, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import { canDecide, mayDecideAssigned, type Decision, type ReviewKind } from '../domain/review.js';
import {
  claimUpdate,
  deadlineChangedSignal,
  decideUpdate,
  remindUpdate,
  replyUpdate,
  stateQuery,
  supersedeSignal,
  withdrawSignal,
  type Deadline,
  type OpenReminder,
  type RoundState,
} from './messages.js';

export interface ReviewRoundInput {
  reviewId: string;
  kind: ReviewKind;
  round: number;
  submittedAt: string;
  dueAt: string;
  /** Absent in rounds started before at-risk timers existed: then the round only waits for its deadline. */
  atRiskAt?: string;
  assigneeId: string | null;
}

export type ReviewRoundResult = { closed: 'decided'; decision: Decision } | { closed: 'superseded' | 'withdrawn' };

const { applyDecision, assignReview, markDeadlineReached, markAtRisk, readDeadline, recordReminder, escalateReminder, replyToReminder } = proxyActivities<ReturnType<typeof createActivities>>({
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

  const deadline: Deadline = { dueAt: input.dueAt, atRiskAt: input.atRiskAt ?? input.dueAt, version: 0 };
  let deadlineMoved = false;
  const reminders: NonNullable<RoundState['reminders']> = { count: 0, lastAt: null, open: [] };
  state.sla = 'on_track';
  state.deadline = deadline;
  state.reminders = reminders;

  setHandler(deadlineChangedSignal, (next) => {
    if (next.version <= deadline.version) return;
    Object.assign(deadline, next);
    deadlineMoved = true;
  });

  setHandler(
    remindUpdate,
    async (req) => {
      reminders.count += 1;
      reminders.lastAt = req.at;
      const number = reminders.count;
      const { answerDueAt } = await recordReminder({ reviewId: input.reviewId, round: input.round, number, at: req.at, requestKey: req.requestKey ?? null });
      const open: OpenReminder = { number, at: req.at, answerDueAt };
      reminders.open.push(open);
      return open;
    },
    {
      validator: (req) => {
        if (req.round !== input.round || state.closed !== null || state.decision !== null) throw new Error('not_pending');
        if (reminders.count >= req.maxPerRound) throw new Error('limit_reached');
        if (reminders.lastAt && Date.parse(req.at) < Date.parse(reminders.lastAt) + req.coolDownMinutes * 60_000) throw new Error('cool_down');
      },
    },
  );

  setHandler(
    replyUpdate,
    async (req) => {
      const answered = reminders.open.length;
      reminders.open = [];
      await replyToReminder({ reviewId: input.reviewId, round: input.round, actor: req.actor, message: req.message, answered });
      return { answered };
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) throw new Error(`the ${req.actor.role} role may not reply to tenants`);
        refuseIfClosedOrStale(req.round);
      },
    },
  );

  setHandler(supersedeSignal, () => {
    if (!state.closed) state.closed = 'superseded';
  });
  setHandler(withdrawSignal, () => {
    if (!state.closed) state.closed = 'withdrawn';
  });

  const open = () => state.closed === null && state.decision === null;

  /**
   * Sleeps until the next SLA instant (at risk, then due). A recompute that moves it earlier
   * signals; one that moves it later is found by re-reading the deadline on waking up.
   */
  const watchDeadline = async (): Promise<void> => {
    while (open() && state.sla !== 'breached') {
      const target = state.sla === 'on_track' ? deadline.atRiskAt : deadline.dueAt;
      deadlineMoved = false;
      const ms = Date.parse(target) - Date.now();
      if (ms > 0 && (await condition(() => !open() || deadlineMoved, ms))) {
        if (deadlineMoved && open()) await followMovedDeadline();
        continue;
      }
      const fresh = await readDeadline({ reviewId: input.reviewId, round: input.round });
      if (fresh && fresh.version > deadline.version) {
        Object.assign(deadline, fresh);
        state.sla = slaAt(Date.now(), deadline);
        continue;
      }
      if (!open()) break;
      if (state.sla === 'on_track' && Date.now() < Date.parse(deadline.dueAt)) {
        state.sla = 'at_risk';
        await markAtRisk({ reviewId: input.reviewId, round: input.round, dueAt: deadline.dueAt });
      } else {
        state.sla = 'breached';
        state.deadlineReached = true;
        await markDeadlineReached({ reviewId: input.reviewId, round: input.round, dueAt: deadline.dueAt });
      }
    }
  };

  /** A deadline moved by a recompute may already have passed its at-risk instant or the deadline itself. */
  const followMovedDeadline = async (): Promise<void> => {
    const next = slaAt(Date.now(), deadline);
    if (next === 'breached' && state.sla !== 'breached') {
      state.sla = 'breached';
      state.deadlineReached = true;
      await markDeadlineReached({ reviewId: input.reviewId, round: input.round, dueAt: deadline.dueAt });
    } else if (next === 'at_risk' && state.sla === 'on_track') {
      state.sla = 'at_risk';
      await markAtRisk({ reviewId: input.reviewId, round: input.round, dueAt: deadline.dueAt });
    } else {
      state.sla = next;
    }
  };

  /** Each accepted reminder must be answered (a decision or a staff reply) by its time, or it escalates once. */
  const watchReminders = async (): Promise<void> => {
    while (state.closed === null) {
      await condition(() => state.closed !== null || reminders.open.length > 0);
      if (state.closed !== null) return;
      const first = reminders.open.reduce((a, b) => (Date.parse(a.answerDueAt) <= Date.parse(b.answerDueAt) ? a : b));
      const ms = Date.parse(first.answerDueAt) - Date.now();
      const settled = ms > 0 && (await condition(() => state.closed !== null || !reminders.open.includes(first), ms));
      if (settled || state.closed !== null || !reminders.open.includes(first)) continue;
      reminders.open = reminders.open.filter((r) => r !== first);
      if (state.decision === null) await escalateReminder({ reviewId: input.reviewId, round: input.round, number: first.number, answerDueAt: first.answerDueAt });
    }
  };

  if (patched('sla-at-risk-and-reminders')) {
    await Promise.all([watchDeadline(), watchReminders(), condition(() => state.closed !== null)]);
  } else {
    // Rounds started before at-risk timers: their histories wait for the deadline only.
    const untilDue = Date.parse(input.dueAt) - Date.now();
    const closedBeforeDue = untilDue > 0 ? await condition(() => state.closed !== null, untilDue) : state.closed !== null;
    if (!closedBeforeDue && state.decision === null) {
      state.deadlineReached = true;
      await markDeadlineReached({ reviewId: input.reviewId, round: input.round, dueAt: input.dueAt });
    }
  }
  await condition(() => state.closed !== null);
  await condition(allHandlersFinished);

  if (state.closed === 'decided' && state.decision) return { closed: 'decided', decision: state.decision };
  return { closed: state.closed === 'withdrawn' ? 'withdrawn' : 'superseded' };
}

function slaAt(now: number, d: Deadline): 'on_track' | 'at_risk' | 'breached' {
  if (now >= Date.parse(d.dueAt)) return 'breached';
  if (now >= Date.parse(d.atRiskAt)) return 'at_risk';
  return 'on_track';
}
