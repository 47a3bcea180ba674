import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { reviewEvents } from '../../db/schema.js';
import { findTenantReview, type ReviewRow } from '../../db/reviews.js';
import type { TenantRow } from '../../db/tenants.js';
import { evaluateReminder, retryAfterSeconds } from '../../domain/reminder-policy.js';
import { reminderRefusalText } from '../../i18n/reminder-refusal-text.js';
import { findReminderPolicy } from '../../db/rules.js';
import type { ReviewKind } from '../../domain/review.js';
import type { Language } from '../../domain/labels.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { DecisionRefused } from '../../temporal/review-client.js';

/**
 * The tenant presses "remind" (催审). The policy refuses with a reason and, for a
 * cool-down, when to try again; an accepted reminder becomes part of the round's workflow,
 * whose validator settles races between two presses. The same Idempotency-Key is one reminder.
 */
export async function remindReview(
  deps: AppDeps,
  tenant: TenantRow,
  reviewId: string,
  idempotencyKey: string | undefined,
  lang: Language,
): Promise<ReviewRow> {
  const row = await findTenantReview(deps.db, tenant.id, reviewId);
  if (!row) throw notFound('review');
  if (idempotencyKey && (await reminderWithKeyExists(deps, reviewId, idempotencyKey))) return row;
  const now = deps.now();
  const policy = await findReminderPolicy(deps.db, row.kind as ReviewKind);
  const { calendar } = await deps.calendar();
  const refuse = (r: ReviewRow) => {
    const verdict = evaluateReminder(
      { status: r.status, roundSubmittedAt: r.submittedAt, remindersThisRound: r.reminderCount, lastReminderAt: r.reminderLastAt, now },
      policy,
      calendar,
    );
    if (verdict.allowed) return undefined;
    const retry = retryAfterSeconds(verdict, now);
    const message = reminderRefusalText(verdict.facts, lang);
    return new HttpError(verdict.httpStatus, verdict.code, message, [{ path: 'reminder', message }], retry ? { 'Retry-After': String(retry) } : {});
  };
  const refused = refuse(row);
  if (refused) throw refused;

  const updateId = idempotencyKey ? `remind-${tenant.id}-${idempotencyKey}` : `remind-${randomUUID()}`;
  try {
    await deps.reviews.remind(
      reviewId,
      { round: row.round, at: now.toISOString(), maxPerRound: policy.maxPerRound, coolDownMinutes: policy.coolDownMinutes, answerWithin: policy.answerWithin, requestKey: idempotencyKey },
      updateId,
    );
  } catch (err) {
    if (!(err instanceof DecisionRefused)) throw err;
    // Another press or a decision got there first: answer from the state it left.
    const fresh = (await findTenantReview(deps.db, tenant.id, reviewId)) ?? row;
    throw refuse(fresh) ?? new HttpError(409, 'not_pending', lang === 'en' ? 'this review is no longer pending' : '该审核已不在待审状态');
  }
  return (await findTenantReview(deps.db, tenant.id, reviewId)) ?? row;
}

async function reminderWithKeyExists(deps: AppDeps, reviewId: string, key: string): Promise<boolean> {
  const rows = await deps.db
    .select({ id: reviewEvents.id })
    .from(reviewEvents)
    .where(and(eq(reviewEvents.reviewId, reviewId), eq(reviewEvents.type, 'reminded'), sql`${reviewEvents.data}->>'requestKey' = ${key}`))
    .limit(1);
  return rows.length > 0;
}
