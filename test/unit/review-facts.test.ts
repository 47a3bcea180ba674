import { describe, expect, it } from 'vitest';
import { newRoundColumns } from '../../db/reviews.js';
import { claimLapsed, currentHolder, isOpenStatus, OPEN_STATUSES, REVIEW_STATUSES, slaStateAt } from '../../domain/review.js';

const T0 = Date.parse('2026-11-26T02:00:00Z');
const MIN = 60_000;

describe('when a claim lapses', () => {
  it('when the claim is older than the limit, then it has lapsed, and at the limit itself it still holds', () => {
    expect(claimLapsed(new Date(T0), 30, T0 + 30 * MIN)).toBe(false);
    expect(claimLapsed(new Date(T0), 30, T0 + 30 * MIN + 1)).toBe(true);
    expect(claimLapsed(new Date(T0).toISOString(), 30, T0 + 31 * MIN)).toBe(true);
  });

  it('when the limit is 0 or absent, then a claim never lapses, however old', () => {
    expect(claimLapsed(new Date(T0), 0, T0 + 365 * 24 * 60 * MIN)).toBe(false);
    expect(claimLapsed(new Date(T0), undefined, T0 + 365 * 24 * 60 * MIN)).toBe(false);
    expect(currentHolder('someone', new Date(T0), 0, T0 + 365 * 24 * 60 * MIN)).toBe('someone');
  });

  it('when a claim has lapsed, then nobody holds the round; when nobody claimed it, then nobody holds it', () => {
    expect(currentHolder('someone', new Date(T0), 30, T0 + 31 * MIN)).toBeNull();
    expect(currentHolder('someone', new Date(T0), 30, T0 + 29 * MIN)).toBe('someone');
    expect(currentHolder(null, null, 30, T0)).toBeNull();
  });
});

describe('the SLA state', () => {
  const deadline = { dueAt: new Date(T0 + 100 * MIN).toISOString(), atRiskAt: new Date(T0 + 75 * MIN).toISOString() };

  it('when the at-risk instant or the deadline is reached, then the state steps at exactly that instant', () => {
    expect(slaStateAt(T0 + 75 * MIN - 1, deadline)).toBe('on_track');
    expect(slaStateAt(T0 + 75 * MIN, deadline)).toBe('at_risk');
    expect(slaStateAt(T0 + 100 * MIN - 1, deadline)).toBe('at_risk');
    expect(slaStateAt(T0 + 100 * MIN, deadline)).toBe('breached');
  });

  it('when a round has no at-risk instant, then it goes from on track straight to breached', () => {
    expect(slaStateAt(T0 + 99 * MIN, { dueAt: new Date(T0 + 100 * MIN), atRiskAt: null })).toBe('on_track');
    expect(slaStateAt(T0 + 100 * MIN, { dueAt: new Date(T0 + 100 * MIN), atRiskAt: null })).toBe('breached');
  });
});

describe('whether a round is open', () => {
  it('when a review waits for a decision or for its numbers, then it is open, and in every other status it is not', () => {
    expect(REVIEW_STATUSES.filter(isOpenStatus)).toEqual([...OPEN_STATUSES]);
    expect(OPEN_STATUSES).toEqual(['pending', 'provisioning']);
  });
});

describe('the columns of a new round', () => {
  it('when a round starts, then it has the fresh deadline on track, no holder, no reminder, no decision and no started lifecycle', () => {
    const deadline = { rule: { type: 'working_minutes', minutes: 540 } as never, dueAt: new Date(T0 + 540 * MIN), riskAt: new Date(T0 + 405 * MIN), versions: { rules: 7 } };
    const columns = newRoundColumns({ reviewId: 'r1', round: 3, status: 'pending', submittedAt: new Date(T0), deadline });
    expect([columns.round, columns.status, columns.submittedAt, columns.dueAt, columns.atRiskAt, columns.rulesVersion]).toEqual([3, 'pending', new Date(T0), deadline.dueAt, deadline.riskAt, 7]);
    expect([columns.slaState, columns.reminderStatus, columns.reminderCount, columns.queueBucket]).toEqual(['on_track', 'none', 0, 1]);
    const cleared = ['assigneeId', 'assignedAt', 'reminderLastAt', 'reminderAnswerDueAt', 'decisionOutcome', 'decisionReasonCode', 'decisionReasonText', 'decidedAt', 'decidedBy', 'workflowStartedAt'] as const;
    expect(cleared.filter((k) => columns[k] !== null)).toEqual([]);
    expect(columns.workflowId).toBe('review-r1-round-3');
  });
});
