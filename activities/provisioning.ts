import { and, eq, sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/common';
import type { Db, Tx } from '../db/client.js';
import { activeAmong, findOrderOfReview, orderProgress } from '../db/numbers.js';
import type { ReviewRow } from '../db/reviews.js';
import { findDeadlineRules, findFulfilmentRule } from '../db/rules.js';
import { currentVersions } from '../db/rules-version.js';
import { numberOrders, numbers, reviews } from '../db/schema.js';
import { beijingDate, checkIssue, isComplete, type CityProgress, type IssueRequestCity } from '../domain/numbers.js';
import type { Refusal } from '../domain/refusals.js';
import type { Actor, ReviewKind } from '../domain/review.js';
import { KINDS } from '../domain/kinds/index.js';
import { atRiskAt, computeDueAt } from '../domain/working-time.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import type { Logger } from '../runtime/logger.js';
import type { Deadline } from '../workflows/messages.js';
import { orderStillAllowed } from '../db/subjects/number-order.js';
import { recomputeIfRulesMoved } from '../deadlines/recompute.js';
import { queueTenantNotices } from '../notices/tenant-notices.js';
import { recordReviewEvent } from '../db/review-events.js';

export interface OpenedFulfilment {
  status: 'provisioning' | 'issued';
  deadline: Deadline;
  cities: CityProgress[];
}

const deadlineOf = (row: ReviewRow): Deadline => ({
  dueAt: row.dueAt.toISOString(),
  atRiskAt: (row.atRiskAt ?? row.dueAt).toISOString(),
  version: row.deadlineVersion,
});

/**
 * The order was approved: it moves to provisioning, a stage with its own deadline counted from
 * the approval under the kind's fulfilment rule. Idempotent: a retry, or a replayed workflow,
 * finds the stage open (or finished) and gets its deadline back. Null when the round is no
 * longer the review's current one.
 */
export async function openFulfilment(
  db: Db,
  calendar: () => Promise<CalendarContext>,
  log: Logger | undefined,
  args: { reviewId: string; round: number; kind: ReviewKind },
): Promise<OpenedFulfilment | null> {
  const versions = await currentVersions(db);
  const rule = await findFulfilmentRule(db, args.kind);
  const { atRiskShare } = await findDeadlineRules(db, args.kind);
  if (!rule) throw ApplicationFailure.nonRetryable(`${args.kind} has no fulfilment deadline`, 'NoFulfilmentRule');
  const cal = await calendar();
  const opened = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(reviews).where(eq(reviews.id, args.reviewId)).for('update');
    if (!row) throw ApplicationFailure.nonRetryable(`review ${args.reviewId} not found`, 'ReviewNotFound');
    if (row.round !== args.round) return null;
    if (row.status !== 'approved') return row;
    const start = row.decidedAt ?? new Date();
    const dueAt = computeDueAt(start, rule, cal.calendar);
    const [updated] = await tx
      .update(reviews)
      .set({
        status: 'provisioning',
        stageStartedAt: start,
        dueAt,
        atRiskAt: atRiskAt(start, dueAt, atRiskShare, cal.calendar),
        dueRule: rule,
        rulesVersion: versions.rules,
        slaState: 'on_track',
        deadlineVersion: sql`${reviews.deadlineVersion} + 1`,
        timerSignalDueAt: null,
        reminderAnswerDueAt: null,
        queueBucket: 1,
        updatedAt: sql`now()`,
      })
      .where(eq(reviews.id, row.id))
      .returning();
    await recordReviewEvent(tx, { reviewId: row.id, round: row.round, type: 'provisioning_started', actorType: 'system', data: { dueAt: dueAt.toISOString() }, dedupeKey: `${row.id}:${row.round}:provisioning_started` });
    return updated ?? row;
  });
  if (!opened) return null;
  if (opened.status !== 'provisioning' && opened.status !== 'issued') {
    throw ApplicationFailure.nonRetryable(`review ${args.reviewId} is ${opened.status}; only an approved order is provisioned`, 'NotApproved');
  }
  // A rule or calendar change committed meanwhile may have missed this row: bring it up to date first.
  const row = opened.status === 'provisioning' ? await recomputeIfRulesMoved(db, opened, { rules: versions.rules, calendar: cal.version }, log) : opened;
  const order = await findOrderOfReview(db, args.reviewId);
  if (!order) throw ApplicationFailure.nonRetryable(`no number order for review ${args.reviewId}`, 'OrderNotFound');
  return { status: row.status === 'issued' ? 'issued' : 'provisioning', deadline: deadlineOf(row), cities: await orderProgress(db, order.id) };
}

export interface IssueNumbersArgs {
  reviewId: string;
  round: number;
  /** The staff request's key (the form's token): a retried write issues once. */
  requestKey: string;
  cities: IssueRequestCity[];
  actor: Actor;
}

export type IssueNumbersResult =
  | { applied: true; cities: CityProgress[]; complete: boolean; issued: number }
  | { applied: false; refusal: Refusal };

/** Thrown inside the transaction to undo it and answer with a refusal. */
class IssueRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.code);
  }
}

/**
 * Staff issue numbers against an order in provisioning. One transaction checks what the order
 * still lacks and that no number is active anywhere on the platform, writes the numbers with
 * their rent start (the Beijing date of issue), the timeline, the audit row and the notice to
 * the contacts; when every city is complete the order is issued. The review row is locked
 * first, so two issues of one order are serialised.
 */
export async function issueNumbers(db: Db, args: IssueNumbersArgs): Promise<IssueNumbersResult> {
  try {
    return await db.transaction((tx) => issue(tx, args));
  } catch (err) {
    if (err instanceof IssueRefused) return { applied: false, refusal: err.refusal };
    throw err;
  }
}

async function issue(tx: Tx, args: IssueNumbersArgs): Promise<IssueNumbersResult> {
  const [review] = await tx.select().from(reviews).where(eq(reviews.id, args.reviewId)).for('update');
  if (!review) throw ApplicationFailure.nonRetryable(`review ${args.reviewId} not found`, 'ReviewNotFound');
  const order = await findOrderOfReview(tx, review.id);
  if (!order) throw ApplicationFailure.nonRetryable(`no number order for review ${args.reviewId}`, 'OrderNotFound');
  const [done] = await tx.select({ n: sql<number>`count(*)::int` }).from(numbers).where(eq(numbers.issueKey, args.requestKey));
  if (Number(done?.n ?? 0) > 0) {
    // Written by an earlier attempt of this same request.
    const cities = await orderProgress(tx, order.id);
    return { applied: true, cities, complete: isComplete(cities), issued: Number(done?.n) };
  }
  if (review.round !== args.round || review.status !== 'provisioning') throw new IssueRefused({ code: 'not_provisioning' });
  // The gates of the order again: its type may have been frozen, its app disabled, since approval.
  const gate = await orderStillAllowed(tx, order);
  if (gate) throw new IssueRefused(gate);

  const progress = await orderProgress(tx, order.id);
  const problem = checkIssue(progress, args.cities);
  if (problem) throw new IssueRefused({ code: problem.code, ...('params' in problem ? { params: problem.params } : {}) });
  const all = args.cities.flatMap((c) => c.numbers);
  const taken = await activeAmong(tx, all);
  const first = all.find((n) => taken.has(n));
  if (first) throw new IssueRefused({ code: 'number_taken', params: { number: first } });

  const now = new Date();
  const rentFrom = beijingDate(now);
  const rows = args.cities.flatMap((c) =>
    c.numbers.map((number) => ({ number, tenantId: review.tenantId, orderId: order.id, city: c.city, rentFrom, issuedAt: now, issuedBy: args.actor.id, issueKey: args.requestKey })),
  );
  // A number issued meanwhile by another order's transaction is caught by the unique index on active numbers.
  const inserted = await tx
    .insert(numbers)
    .values(rows)
    .onConflictDoNothing({ target: numbers.number, where: sql`${numbers.status} = 'active'` })
    .returning({ number: numbers.number });
  if (inserted.length !== rows.length) {
    const got = new Set(inserted.map((r) => r.number));
    throw new IssueRefused({ code: 'number_taken', params: { number: rows.find((r) => !got.has(r.number))?.number ?? '' } });
  }

  const cities = await orderProgress(tx, order.id);
  const complete = isComplete(cities);
  const key = `${review.id}:issue:${args.requestKey}`;
  const perCity = args.cities.filter((c) => c.numbers.length > 0).map((c) => ({ city: c.city, count: c.numbers.length }));
  await recordReviewEvent(
    tx,
    { reviewId: review.id, round: review.round, type: 'numbers_issued', actorType: 'staff', actorId: args.actor.id, actorName: args.actor.name, data: { count: rows.length, cities: perCity }, dedupeKey: key },
    // eslint-disable-next-line no-restricted-syntax -- an audit object type (domain/audit-actions.ts), not the kind.
    { action: 'numbers.issue', objectType: 'number_order', objectId: order.id, details: { reviewId: review.id, count: rows.length, cities: perCity, rentFrom } },
  );
  const ordered = cities.reduce((n, c) => n + c.ordered, 0);
  const issued = cities.reduce((n, c) => n + c.issued, 0);
  await queueTenantNotices(tx, {
    tenantId: review.tenantId,
    subscription: KINDS[review.kind as ReviewKind].subscription,
    event: 'numbers.issued',
    outboxEvent: `${review.kind}.issued`,
    reviewId: review.id,
    cause: key,
    alsoTo: order.contactId ? [order.contactId] : [],
    facts: () => ({ kind: review.kind, title: review.title, subjectId: review.subjectId, count: rows.length, issued, ordered }),
  });
  if (complete) {
    await tx.update(reviews).set({ status: 'issued', queueBucket: 1, updatedAt: sql`now()` }).where(and(eq(reviews.id, review.id), eq(reviews.status, 'provisioning')));
    await tx.update(numberOrders).set({ issuedAt: now }).where(eq(numberOrders.id, order.id));
    await recordReviewEvent(tx, { reviewId: review.id, round: review.round, type: 'issued', actorType: 'staff', actorId: args.actor.id, actorName: args.actor.name, data: { ordered }, dedupeKey: `${review.id}:${review.round}:issued` });
  }
  return { applied: true, cities, complete, issued: rows.length };
}
