/**
 * Where an open round's deadline lands under a rule and a calendar, and what that does to its SLA
 * state at a given instant. The recompute writes it; the what-if preview counts it: one arithmetic,
 * so what the admin is shown is what happens. Pure: no I/O.
 */
import { slaStateAt, type SlaState } from './review.js';
import { atRiskAt, computeDueAt, type DeadlineRule, type WorkingCalendar } from './working-time.js';

export interface OpenRound {
  submittedAt: Date;
  dueAt: Date;
  atRiskAt: Date | null;
  slaState: SlaState;
}

export interface PlannedDeadline {
  dueAt: Date;
  atRiskAt: Date;
  /** The due or at-risk instant differs from the stored one. */
  moved: boolean;
  /** The SLA state at `now` under the new deadline; breached stays breached. */
  next: SlaState;
  /** A step forward the round must record (with its event and staff notice). */
  forward: 'at_risk' | 'breached' | null;
  /** The instant the round's workflow waits for next came earlier. */
  earlier: boolean;
  /** That next instant (ms), or null when the round waits for none. */
  nextInstant: number | null;
}

const SLA_RANK: Record<SlaState, number> = { on_track: 0, at_risk: 1, breached: 2 };

/** The next instant the round's workflow waits for in `state`, or null when it waits for none. */
function nextInstant(state: SlaState, dueAt: number, atRisk: number | null): number | null {
  if (state === 'on_track') return atRisk ?? dueAt;
  if (state === 'at_risk') return dueAt;
  return null;
}

/** Throws (WorkingTimeError) when the rule cannot be computed for this submission. */
export function planDeadline(round: OpenRound, rule: DeadlineRule, atRiskShare: number, calendar: WorkingCalendar, now: number): PlannedDeadline {
  const dueAt = computeDueAt(round.submittedAt, rule, calendar);
  const riskAt = atRiskAt(round.submittedAt, dueAt, atRiskShare, calendar);
  const oldDue = round.dueAt.getTime();
  const oldRisk = round.atRiskAt?.getTime() ?? null;
  const moved = dueAt.getTime() !== oldDue || riskAt.getTime() !== oldRisk;

  const old = round.slaState;
  const next: SlaState = old === 'breached' ? 'breached' : slaStateAt(now, { dueAt, atRiskAt: riskAt });
  const forward = SLA_RANK[next] > SLA_RANK[old] ? (next as 'at_risk' | 'breached') : null;

  const before = nextInstant(old, oldDue, oldRisk);
  const after = next === 'breached' ? Number.NEGATIVE_INFINITY : nextInstant(next, dueAt.getTime(), riskAt.getTime());
  const earlier = before !== null && after !== null && after < before;
  return { dueAt, atRiskAt: riskAt, moved, next, forward, earlier, nextInstant: after };
}
