import { and, eq, inArray, sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client.js';
import { reviews } from '../db/schema.js';
import { KINDS } from '../domain/kinds/index.js';
import { findRejectionReason } from '../db/rules.js';
import { storeOf } from '../db/subjects/index.js';
import type { Refusal } from '../domain/refusals.js';
import { OPEN_STATUSES, type Actor, type Decision, type ReviewKind } from '../domain/review.js';
import { queueTenantNotices } from '../notices/tenant-notices.js';
import { decisionNoticeFacts } from '../notices/review-facts.js';
import { recordReviewEvent } from '../db/review-events.js';
import { decisionColumns } from '../db/reviews.js';

/** `decidedAt` is the stored instant when the decision was already written by an earlier attempt. */
export type ApplyDecisionResult =
  | { applied: true; decidedAt?: string }
  | { applied: false; reason: 'stale' | 'withdrawn' }
  /** A rule the approval depends on no longer holds (the state it reads changed since intake); the round stays open. */
  | { applied: false; reason: 'refused'; refusal: Refusal };

/**
 * Writes a decision to the read model, the timeline, the audit log and the outbox in one
 * transaction. Safe to retry: a second attempt for the same decision changes nothing.
 */
export async function applyDecision(
  db: Db,
  args: { reviewId: string; kind: ReviewKind; decision: Decision },
): Promise<ApplyDecisionResult> {
  const { reviewId, kind, decision } = args;
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(reviews).where(eq(reviews.id, reviewId)).for('update');
    if (!row) throw ApplicationFailure.nonRetryable(`review ${reviewId} not found`, 'ReviewNotFound');
    if (row.round !== decision.round) return { applied: false, reason: 'stale' } as const;
    if (row.decidedAt?.toISOString() === decision.decidedAt) return { applied: true } as const;
    // A worker that died after this transaction committed but before its workflow task completed
    // loses the task; the Update comes again with a new time. Same round, person, outcome and
    // reason: it is that decision, already written, not a second one.
    if (
      row.decidedAt &&
      row.decisionOutcome === decision.outcome &&
      (row.decidedBy ?? null) === (decision.decidedBy.role === 'system' ? null : decision.decidedBy.id) &&
      (row.decisionReasonCode ?? null) === (decision.reasonCode ?? null)
    ) {
      return { applied: true, decidedAt: row.decidedAt.toISOString() } as const;
    }
    if (row.status === 'withdrawn') return { applied: false, reason: 'withdrawn' } as const;
    if (row.status !== 'pending') return { applied: false, reason: 'stale' } as const;
    const store = storeOf(kind);
    const refusal = decision.outcome === 'approved' ? await store.approvalRefusal?.(tx, row) : null;
    if (refusal) return { applied: false, reason: 'refused', refusal } as const;

    const byStaff = decision.decidedBy.role !== 'system';
    const key = `${reviewId}:${decision.round}:decided`;
    // The reason's wording is read and the read model, timeline and audit row written together: sent
    // at once on the transaction's connection and run in order, one round trip while the row is locked.
    const [reason] = await Promise.all([
      decision.reasonCode ? findRejectionReason(tx, kind, decision.reasonCode) : undefined,
      tx
        .update(reviews)
        .set({ ...decisionColumns(decision), updatedAt: sql`now()` })
        .where(eq(reviews.id, reviewId))
        .execute(),
      recordReviewEvent(
        tx,
        {
          reviewId,
          round: decision.round,
          type: decision.outcome,
          actorType: byStaff ? 'staff' : 'system',
          actorId: byStaff ? decision.decidedBy.id : null,
          actorName: decision.decidedBy.name,
          // The round's deadline as it stood at the decision: statistics judge "on time" by it after later rounds move the row on.
          data: { reasonCode: decision.reasonCode, reasonText: decision.reasonText, ...(decision.reasonParams ? { reasonParams: decision.reasonParams } : {}), dueAt: row.dueAt.toISOString() },
          dedupeKey: key,
          at: new Date(decision.decidedAt),
        },
        { action: decision.outcome === 'approved' ? 'review.approve' : 'review.reject', details: { kind, round: decision.round, reasonCode: decision.reasonCode } },
      ),
    ]);

    await store.onDecision?.(tx, row, decision);
    const worded = decision.outcome === 'rejected' ? await store.reasonWording?.(tx, row.subjectId, decision.reasonCode) : undefined;

    await queueTenantNotices(tx, {
      tenantId: row.tenantId,
      subscription: KINDS[kind].subscription,
      event: decision.outcome === 'approved' ? 'review.approved' : 'review.rejected',
      outboxEvent: `${kind}.${decision.outcome}`,
      reviewId,
      cause: key,
      alsoTo: await store.noticeContacts?.(tx, row.subjectId),
      facts: (language) =>
        decisionNoticeFacts(row, { outcome: decision.outcome, decidedAt: decision.decidedAt, reason: reason?.tenant, explanation: worded, reasonText: decision.reasonText }, language),
    });
    return { applied: true } as const;
  });
}

/**
 * The round has a holder now (a claim, or a supervisor's assignment). `key` is stable across
 * retries of one activity execution, so each hand-over is recorded and audited once.
 */
export async function assignReview(db: Db, args: { reviewId: string; round: number; assignee: Actor; by: Actor; key: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const updated = await tx
      .update(reviews)
      .set({ assigneeId: args.assignee.id, assignedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round), inArray(reviews.status, [...OPEN_STATUSES])))
      .returning({ id: reviews.id });
    if (updated.length === 0) return;
    const byOther = args.by.id !== args.assignee.id;
    const assignee = { assigneeId: args.assignee.id, assigneeName: args.assignee.name };
    await recordReviewEvent(
      tx,
      { reviewId: args.reviewId, round: args.round, type: byOther ? 'assigned' : 'claimed', actorType: 'staff', actorId: args.by.id, actorName: args.by.name, data: assignee, dedupeKey: args.key },
      { action: byOther ? 'review.assign' : 'review.claim', details: { round: args.round, ...assignee } },
    );
  });
}

/** Nobody holds the round any more: the holder let go or a supervisor took it back. */
export async function releaseReview(db: Db, args: { reviewId: string; round: number; by: Actor; key: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ assigneeId: reviews.assigneeId }).from(reviews).where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round))).for('update');
    if (!before) return;
    await tx.update(reviews).set({ assigneeId: null, assignedAt: null, updatedAt: sql`now()` }).where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round)));
    await recordReviewEvent(
      tx,
      { reviewId: args.reviewId, round: args.round, type: 'released', actorType: 'staff', actorId: args.by.id, actorName: args.by.name, data: { previousAssigneeId: before.assigneeId }, dedupeKey: args.key },
      { action: 'review.release', details: { round: args.round, previousAssigneeId: before.assigneeId } },
    );
  });
}
