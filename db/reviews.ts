import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { reviewEvents, reviews, staff, tenants } from './schema.js';
import type { Db } from './client.js';
import { workflowIdFor, type Decision, type ReviewKind, type ReviewStatus } from '../domain/review.js';
import type { DeadlineRule } from '../domain/working-time.js';
import { versionColumns, versionsOf, type Versions } from './rules-version.js';

export type ReviewRow = typeof reviews.$inferSelect;
export type ReviewEventRow = typeof reviewEvents.$inferSelect;

export interface NewRound {
  reviewId: string;
  round: number;
  /** Whether a person reviews it (pending) or the system checks it first (checking). */
  status: 'pending' | 'checking';
  submittedAt: Date;
  deadline: { rule: DeadlineRule; dueAt: Date; riskAt: Date; versions: { rules: number } };
}

/**
 * The columns every round starts with, the first (a submission) or a later one (an edit): a fresh
 * deadline on track, nobody holding it, no reminder, no decision, its lifecycle not yet started.
 */
export function newRoundColumns(r: NewRound) {
  return {
    round: r.round,
    status: r.status,
    submittedAt: r.submittedAt,
    dueAt: r.deadline.dueAt,
    atRiskAt: r.deadline.riskAt,
    dueRule: r.deadline.rule,
    rulesVersion: r.deadline.versions.rules,
    slaState: 'on_track',
    assigneeId: null,
    assignedAt: null,
    reminderStatus: 'none',
    reminderCount: 0,
    reminderLastAt: null,
    reminderAnswerDueAt: null,
    queueBucket: 1,
    decisionOutcome: null,
    decisionReasonCode: null,
    decisionReasonText: null,
    decidedAt: null,
    decidedBy: null,
    workflowId: workflowIdFor(r.reviewId, r.round),
    workflowStartedAt: null,
  } satisfies Partial<typeof reviews.$inferInsert>;
}

/**
 * The columns a decision writes: the decision's own write sets them, and the back office lays them
 * over the row it read before sending the decision, so the page after it needs no second read.
 */
export function decisionColumns(d: Decision) {
  return {
    status: d.outcome,
    decisionOutcome: d.outcome,
    decisionReasonCode: d.reasonCode,
    decisionReasonText: d.reasonText,
    decidedAt: new Date(d.decidedAt),
    decidedBy: d.decidedBy.role === 'system' ? null : d.decidedBy.id,
    queueBucket: 1,
  } satisfies Partial<typeof reviews.$inferInsert>;
}

export async function findReview(db: Db, id: string): Promise<ReviewRow | undefined> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, id));
  return row;
}

/** The open rounds a member of staff holds (claimed or assigned), with the round each is in. */
export async function listHeldReviews(db: Db, assigneeId: string): Promise<{ id: string; round: number }[]> {
  return db
    .select({ id: reviews.id, round: reviews.round })
    .from(reviews)
    .where(and(eq(reviews.assigneeId, assigneeId), inArray(reviews.status, ['pending', 'provisioning'])))
    .orderBy(asc(reviews.dueAt));
}

/** A tenant sees only its own reviews: another tenant's id is simply not found. */
export async function findTenantReview(db: Db, tenantId: string, id: string): Promise<ReviewRow | undefined> {
  const [row] = await db.select().from(reviews).where(and(eq(reviews.id, id), eq(reviews.tenantId, tenantId)));
  return row;
}

export interface QueueItem extends ReviewRow {
  assigneeName: string | null;
  tenantName: string;
}

export interface TenantListFilter {
  tenantId: string;
  kind?: ReviewKind;
  status?: ReviewStatus;
  after?: { submittedAt: Date; id: string };
  limit: number;
}

/** The tenant's own reviews, newest first, keyset-paginated on (submitted_at, id). */
export async function listTenantReviews(db: Db, f: TenantListFilter): Promise<ReviewRow[]> {
  const where: SQL[] = [eq(reviews.tenantId, f.tenantId)];
  if (f.kind) where.push(eq(reviews.kind, f.kind));
  if (f.status) where.push(eq(reviews.status, f.status));
  if (f.after) where.push(sql`(${reviews.submittedAt}, ${reviews.id}) < (${f.after.submittedAt.toISOString()}::timestamptz, ${f.after.id}::uuid)`);
  return db
    .select()
    .from(reviews)
    .where(and(...where))
    .orderBy(desc(reviews.submittedAt), desc(reviews.id))
    .limit(f.limit);
}

export async function listReviewEvents(db: Db, reviewId: string): Promise<ReviewEventRow[]> {
  return db.select().from(reviewEvents).where(eq(reviewEvents.reviewId, reviewId)).orderBy(asc(reviewEvents.id));
}

interface StartedMark {
  id: string;
  round: number;
  done: (versions: Versions) => void;
  failed: (err: unknown) => void;
}

/** Rounds whose start waits to be marked, and the flush running now, per database. */
const startedMarks = new WeakMap<Db, { waiting: StartedMark[]; flushing: boolean }>();

/**
 * Marks a round's workflow as started. Marks that arrive while one is being written go together
 * in the next statement (group commit): at a high submission rate one UPDATE and one commit serve
 * many submissions instead of one each, and when few arrive each is written at once as before.
 * Resolves once the mark is written, with the rules and calendar versions the same statement read:
 * it starts after the caller's own commit, so intake learns from it whether a rule or calendar
 * change raced that commit without a statement of its own.
 */
export function markWorkflowStarted(db: Db, reviewId: string, round: number): Promise<Versions> {
  let batch = startedMarks.get(db);
  if (!batch) startedMarks.set(db, (batch = { waiting: [], flushing: false }));
  const queued = batch;
  const written = new Promise<Versions>((done, failed) => queued.waiting.push({ id: reviewId, round, done, failed }));
  if (!queued.flushing) void flushStartedMarks(db, queued);
  return written;
}

async function flushStartedMarks(db: Db, batch: { waiting: StartedMark[]; flushing: boolean }): Promise<void> {
  batch.flushing = true;
  while (batch.waiting.length > 0) {
    const marks = batch.waiting.splice(0, 500);
    try {
      // The id list lets the planner go by the primary key; the pairs keep each mark to its round.
      const mark = db
        .update(reviews)
        .set({ workflowStartedAt: sql`now()` })
        .where(
          and(
            inArray(
              reviews.id,
              marks.map((m) => m.id),
            ),
            isNull(reviews.workflowStartedAt),
            sql`(${reviews.id}, ${reviews.round}) in (select m.id, m.round from jsonb_to_recordset(${JSON.stringify(marks.map((m) => ({ id: m.id, round: m.round })))}::jsonb) as m(id uuid, round int))`,
          ),
        );
      // The versions are read whether or not a row was still unmarked (a sweeper may have marked it first).
      const [row] = await db.execute<{ rules: string | null; calendar: number | null }>(sql`with marked as (${mark.getSQL()}) select ${versionColumns()}`);
      const versions = versionsOf(row);
      for (const m of marks) m.done(versions);
    } catch (err) {
      for (const m of marks) m.failed(err);
    }
  }
  batch.flushing = false;
}

/** Open rounds whose workflow start was not confirmed (the process died between commit and start). */
export async function listUnstartedRounds(db: Db, olderThan: Date, limit: number): Promise<ReviewRow[]> {
  return db
    .select()
    .from(reviews)
    .where(and(sql`${reviews.workflowStartedAt} is null`, sql`${reviews.updatedAt} < ${olderThan.toISOString()}::timestamptz`))
    .limit(limit);
}

export async function findReviewForStaff(db: Db, id: string): Promise<QueueItem | undefined> {
  const [row] = await db
    .select({ review: reviews, assigneeName: staff.name, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .leftJoin(staff, eq(staff.id, reviews.assigneeId))
    .where(eq(reviews.id, id));
  return row ? { ...row.review, assigneeName: row.assigneeName, tenantName: row.tenantName } : undefined;
}

/** The distinct kinds of these reviews. */
export async function kindsOfReviews(db: Db, ids: readonly string[]): Promise<ReviewKind[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectDistinct({ kind: reviews.kind }).from(reviews).where(inArray(reviews.id, [...ids]));
  return rows.map((r) => r.kind as ReviewKind);
}
