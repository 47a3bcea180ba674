import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { loadCalendar } from '../db/calendars.js';
import { findReminderPolicy } from '../db/rules.js';
import { defaultCalendarSpec } from '../domain/holidays-cn.js';
import type { ReviewKind } from '../domain/review.js';
import type { Db } from '../db/client.js';
import { reviews } from '../db/schema.js';
import { DEFAULT_REMINDER_POLICY } from '../domain/reminder-policy.js';
import { computeDueAt, createCalendar, type DeadlineRule } from '../domain/working-time.js';
import { queueTenantNotices } from '../notices/tenant-notices.js';
import type { Actor } from '../domain/review.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import { queueStaffNotices } from '../notices/staff-notices.js';
import { recordReviewEvent } from '../db/review-events.js';

/**
 * The tenant's reminder was accepted: it raises the review to the top of the queue, tells the
 * assignee (or the reviewers) and must be answered by the returned instant.
 */
export async function recordReminder(
  db: Db,
  calendar: () => Promise<CalendarContext>,
  args: { reviewId: string; round: number; number: number; at: string; requestKey: string | null; answerWithin?: DeadlineRule },
): Promise<{ answerDueAt: string }> {
  const { calendar: cal } = await calendar();
  // Reminders accepted before the rule travelled with them fall back to the default they were accepted under.
  const answerDueAt = computeDueAt(new Date(args.at), args.answerWithin ?? DEFAULT_REMINDER_POLICY.answerWithin, cal).toISOString();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(reviews)
      .set({
        reminderStatus: 'reminded',
        reminderCount: args.number,
        reminderLastAt: new Date(args.at),
        reminderAnswerDueAt: new Date(answerDueAt),
        queueBucket: 0,
        updatedAt: sql`now()`,
      })
      .where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round)))
      .returning();
    if (!row) return;
    const key = `${args.reviewId}:${args.round}:reminder:${args.number}`;
    await recordReviewEvent(tx, { reviewId: args.reviewId, round: args.round, type: 'reminded', actorType: 'tenant', actorId: row.tenantId, data: { number: args.number, answerDueAt, requestKey: args.requestKey }, dedupeKey: key, at: new Date(args.at) });
    await queueStaffNotices(tx, row, 'review.reminded', 'assignee_or_reviewers', key, { n: args.number, answerBy: answerDueAt });
  });
  return { answerDueAt };
}

/** Nobody answered the reminder in time: record it and tell the supervisors. */
export async function escalateReminder(db: Db, args: { reviewId: string; round: number; number: number; answerDueAt: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(reviews).where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round)));
    if (!row) return;
    const key = `${args.reviewId}:${args.round}:reminder:${args.number}:escalated`;
    await recordReviewEvent(tx, { reviewId: args.reviewId, round: args.round, type: 'reminder_escalated', actorType: 'system', data: { number: args.number, answerDueAt: args.answerDueAt }, dedupeKey: key });
    await queueStaffNotices(tx, row, 'reminder.escalated', 'supervisors', key, { n: args.number, answerBy: args.answerDueAt });
  });
}

/**
 * A staff member answers the tenant's reminder without deciding: the message goes to the
 * contacts who receive reminder replies. `replyKey` is stable across retries of one reply.
 */
export async function replyToReminder(
  db: Db,
  args: { reviewId: string; round: number; actor: Actor; message: string; answered: number; replyKey: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(reviews)
      .set({ reminderAnswerDueAt: null, queueBucket: 1, updatedAt: sql`now()` })
      .where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round)))
      .returning();
    if (!row) return;
    const recorded = await recordReviewEvent(
      tx,
      { reviewId: args.reviewId, round: args.round, type: 'reminder_replied', actorType: 'staff', actorId: args.actor.id, actorName: args.actor.name, data: { message: args.message, answered: args.answered }, dedupeKey: args.replyKey },
      { action: 'review.reply', details: { round: args.round, answered: args.answered } },
    );
    if (!recorded) return;
    await queueTenantNotices(tx, {
      tenantId: row.tenantId,
      subscription: 'reminder_reply',
      event: 'reminder.replied',
      outboxEvent: 'reminder.replied',
      reviewId: row.id,
      cause: args.replyKey,
      facts: () => ({ kind: row.kind, title: row.title, subjectId: row.subjectId, message: args.message }),
    });
  });
}

/**
 * Open reminders' answer times under the reminder policy and calendar in force (after an admin
 * changed either), by reminder number; the read model shows the latest one's.
 */
export async function readReminderAnswers(db: Db, args: { reviewId: string; round: number; reminders: { number: number; at: string }[] }): Promise<Record<string, string>> {
  const [row] = await db.select({ kind: reviews.kind, answerDueAt: reviews.reminderAnswerDueAt }).from(reviews).where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round)));
  if (!row || args.reminders.length === 0) return {};
  const policy = await findReminderPolicy(db, row.kind as ReviewKind);
  const stored = await loadCalendar(db);
  const cal = createCalendar(stored?.spec ?? defaultCalendarSpec());
  const out: Record<string, string> = {};
  for (const r of args.reminders) out[String(r.number)] = computeDueAt(new Date(r.at), policy.answerWithin, cal).toISOString();
  const latest = args.reminders.reduce((a, b) => (b.number > a.number ? b : a));
  if (row.answerDueAt) {
    await db
      .update(reviews)
      .set({ reminderAnswerDueAt: new Date(out[String(latest.number)]!), updatedAt: sql`now()` })
      .where(and(eq(reviews.id, args.reviewId), eq(reviews.round, args.round), isNotNull(reviews.reminderAnswerDueAt)));
  }
  return out;
}
