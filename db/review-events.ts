import { appendAudit, type AuditEntry } from './audit.js';
import type { Db, Tx } from './client.js';
import { reviewEvents } from './schema.js';
import { AUTOMATIC_CHECK } from '../domain/review.js';

export type ReviewEventInput = Omit<typeof reviewEvents.$inferInsert, 'id'>;

/**
 * What the audit log says of the event: its action and details. The actor and the object default to
 * the event's (the review), and the dedupe key is always the event's, so a retry records both once.
 */
export type EventAudit = Pick<AuditEntry, 'action' | 'details'> & Partial<Pick<AuditEntry, 'actorType' | 'actorId' | 'actorLabel' | 'objectType' | 'objectId' | 'ip'>>;

/**
 * Writes a review's timeline event and, for a decision or a change someone made, its audit row,
 * together in the caller's transaction. Both are sent at once on the transaction's connection (one
 * round trip). Returns false when an event with the same dedupe key was already recorded.
 */
export async function recordReviewEvent(db: Db | Tx, event: ReviewEventInput, audit?: EventAudit): Promise<boolean> {
  const insert = db.insert(reviewEvents).values(event);
  const [inserted] = await Promise.all([
    (event.dedupeKey ? insert.onConflictDoNothing({ target: reviewEvents.dedupeKey }) : insert).returning({ id: reviewEvents.id }).execute(),
    audit
      ? appendAudit(db, {
          actorType: event.actorType,
          actorId: event.actorId ?? null,
          actorLabel: event.actorName ?? null,
          objectType: 'review',
          objectId: event.reviewId,
          ...audit,
          dedupeKey: event.dedupeKey ?? undefined,
        })
      : undefined,
  ]);
  return inserted.length > 0;
}

/** The automatic check passed: once per round, whoever records it (intake, or the worker's check). */
export function precheckPassedEvent(r: { reviewId: string; round: number; at?: Date }): ReviewEventInput {
  return {
    reviewId: r.reviewId,
    round: r.round,
    type: 'precheck_passed',
    actorType: 'system',
    actorName: AUTOMATIC_CHECK.name,
    dedupeKey: `${r.reviewId}:${r.round}:precheck_passed`,
    ...(r.at ? { at: r.at } : {}),
  };
}

export function recordPrecheckPassed(db: Db | Tx, r: { reviewId: string; round: number; at?: Date }): Promise<boolean> {
  return recordReviewEvent(db, precheckPassedEvent(r));
}

/** Several events no audit row goes with, in one statement (in order); one already recorded under its dedupe key is skipped. */
export async function recordReviewEvents(db: Db | Tx, events: ReviewEventInput[]): Promise<void> {
  // Prepared: intake runs it on every submission, with one or two events, so it has two shapes.
  await db.insert(reviewEvents).values(events).onConflictDoNothing({ target: reviewEvents.dedupeKey }).prepare('review_events').execute();
}
