import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm';
import type { OpenStatus, SlaState } from '../domain/review.js';
import type { DeadlineRule } from '../domain/working-time.js';
import { OPEN_STATUSES } from '../domain/review.js';
import type { Db } from './client.js';
import type { ReviewRow } from './reviews.js';
import { reviews } from './schema.js';

/**
 * The deadline recompute's reads and writes (deadlines/recompute.ts holds the story and the arithmetic).
 * Work left is the open rows whose rules_version is behind the label, read through the index
 * (status, rules_version, id); every write is guarded by the row's round and deadline_version, so a
 * concurrent resubmission, decision or recompute is never overwritten.
 */

/** An open row as the recompute reads it. */
export type RecomputeRow = Pick<
  ReviewRow,
  | 'id'
  | 'kind'
  | 'status'
  | 'round'
  | 'submittedAt'
  | 'stageStartedAt'
  | 'dueAt'
  | 'atRiskAt'
  | 'dueRule'
  | 'slaState'
  | 'deadlineVersion'
  | 'workflowId'
  | 'reminderLastAt'
  | 'reminderAnswerDueAt'
>;

export interface RecomputeFilter {
  /** Only this review (a submission that raced a change). */
  onlyId?: string;
  /** Also redo a row already labelled with the current version (its deadline used a stale calendar). */
  force?: boolean;
}

/** Up to `limit` open rows behind `label`: pending rounds first, then stages in provisioning, each an index range. */
export async function readRecomputePage(db: Db, label: number, limit: number, filter: RecomputeFilter): Promise<RecomputeRow[]> {
  const readStatus = (status: OpenStatus, n: number): Promise<RecomputeRow[]> =>
    db
      .select({
        id: reviews.id,
        kind: reviews.kind,
        status: reviews.status,
        round: reviews.round,
        submittedAt: reviews.submittedAt,
        stageStartedAt: reviews.stageStartedAt,
        dueAt: reviews.dueAt,
        atRiskAt: reviews.atRiskAt,
        dueRule: reviews.dueRule,
        slaState: reviews.slaState,
        deadlineVersion: reviews.deadlineVersion,
        workflowId: reviews.workflowId,
        reminderLastAt: reviews.reminderLastAt,
        reminderAnswerDueAt: reviews.reminderAnswerDueAt,
      })
      .from(reviews)
      .where(
        and(
          eq(reviews.status, status),
          filter.force ? lte(reviews.rulesVersion, label) : lt(reviews.rulesVersion, label),
          filter.onlyId ? eq(reviews.id, filter.onlyId) : undefined,
        ),
      )
      // The index is (status, rules_version, id): this order reads it in place and stops at the limit.
      .orderBy(asc(reviews.rulesVersion), asc(reviews.id))
      .limit(n);
  const rows: RecomputeRow[] = [];
  for (const status of OPEN_STATUSES) {
    if (rows.length < limit) rows.push(...(await readStatus(status, limit - rows.length)));
  }
  return rows;
}

/** A row's new deadline, as the recompute planned it. */
export interface RecomputedDeadline {
  id: string;
  status: OpenStatus;
  round: number;
  oldVersion: number;
  dueAt: Date;
  atRiskAt: Date;
  rule: DeadlineRule;
  /** The SLA state to write, or null to leave it (forward moves go through the SLA markers). */
  writeState: SlaState | null;
  moved: boolean;
  /** Not labelled done yet: it must be signalled (and marked) first. */
  hold: boolean;
  signalBy: Date | null;
}

/**
 * One bulk UPDATE ... FROM jsonb_to_recordset($page) (one parameter however many rows; drizzle's
 * postgres.js driver does not pass JS arrays as Postgres arrays). Returns the deadline_version of
 * each row written; a row a concurrent writer changed meanwhile is not written.
 */
export async function writeRecomputedDeadlines(db: Db, planned: RecomputedDeadline[], label: number, force: boolean): Promise<Map<string, number>> {
  const written = new Map<string, number>();
  if (planned.length === 0) return written;
  const result = await db.execute<{ id: string; deadline_version: number }>(sql`
    update reviews as r set
      due_at = n.due_at,
      at_risk_at = n.at_risk_at,
      due_rule = n.due_rule,
      sla_state = case when r.sla_state = 'breached' or n.sla_state is null then r.sla_state else n.sla_state end,
      rules_version = case when n.hold then r.rules_version else ${label}::int end,
      deadline_version = r.deadline_version + case when n.moved then 1 else 0 end,
      timer_signal_due_at = case when n.signal_by is not null then n.signal_by else r.timer_signal_due_at end,
      updated_at = case when n.moved then now() else r.updated_at end
    from jsonb_to_recordset(${JSON.stringify(
      planned.map((p) => ({
        id: p.id,
        status: p.status,
        round: p.round,
        old_version: p.oldVersion,
        due_at: p.dueAt.toISOString(),
        at_risk_at: p.atRiskAt.toISOString(),
        due_rule: p.rule,
        sla_state: p.writeState,
        moved: p.moved,
        hold: p.hold,
        signal_by: p.signalBy?.toISOString() ?? null,
      })),
    )}::jsonb) as n(id uuid, status text, round int, old_version int, due_at timestamptz, at_risk_at timestamptz, due_rule jsonb, sla_state text, moved bool, hold bool, signal_by timestamptz)
    where r.id = n.id
      and r.status = n.status
      and r.round = n.round
      and r.deadline_version = n.old_version
      and r.rules_version ${force ? sql`<=` : sql`<`} ${label}::int
    returning r.id, r.deadline_version`);
  for (const w of result) written.set(w.id, Number(w.deadline_version));
  return written;
}

/** Rows with nothing to compute them with are labelled anyway, so the recompute does not spin on them. */
export async function labelUncomputable(db: Db, ids: string[], label: number): Promise<void> {
  if (ids.length === 0) return;
  await db.update(reviews).set({ rulesVersion: label }).where(and(inArray(reviews.id, ids), lt(reviews.rulesVersion, label)));
}

/** Held rows are labelled done once their rounds were told, unless a writer moved them on meanwhile. */
export async function labelSignalled(db: Db, rows: { id: string; round: number; deadlineVersion: number }[], label: number): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`
    update reviews as r set rules_version = ${label}::int
    from jsonb_to_recordset(${JSON.stringify(rows.map((p) => ({ id: p.id, round: p.round, deadline_version: p.deadlineVersion })))}::jsonb)
      as n(id uuid, round int, deadline_version int)
    where r.id = n.id and r.round = n.round and r.deadline_version = n.deadline_version and r.rules_version < ${label}::int`);
}

/** Hands a round's current deadline to the deadline signaller, to be sent at its next sweep. */
export async function signalSoon(db: Db, id: string, round: number): Promise<void> {
  await db
    .update(reviews)
    .set({ timerSignalDueAt: sql`now()` })
    .where(and(eq(reviews.id, id), eq(reviews.round, round)));
}

/** Of these reviews, the pending ones whose round's workflow has not been started yet. */
export async function roundsNotStarted(db: Db, ids: string[]): Promise<string[]> {
  const rows = await db
    .select({ id: reviews.id })
    .from(reviews)
    .where(and(inArray(reviews.id, ids), eq(reviews.status, 'pending'), isNull(reviews.workflowStartedAt)));
  return rows.map((r) => r.id);
}

/** Of these reviews, those whose round's workflow has started, with their round and status now. */
export async function roundsStarted(db: Db, ids: string[]): Promise<{ id: string; round: number; status: string }[]> {
  return db
    .select({ id: reviews.id, round: reviews.round, status: reviews.status })
    .from(reviews)
    .where(and(inArray(reviews.id, ids), isNotNull(reviews.workflowStartedAt)));
}

/** A round the recompute marked to be told of its earlier timer, with the deadline to tell it. */
export interface RoundToSignal {
  id: string;
  workflowId: string;
  dueAt: Date;
  atRiskAt: Date | null;
  version: number;
}

/** Rounds marked to be told before `before`, earliest first. */
export async function roundsDueForSignal(db: Db, before: Date, limit: number): Promise<RoundToSignal[]> {
  return db
    .select({ id: reviews.id, workflowId: reviews.workflowId, dueAt: reviews.dueAt, atRiskAt: reviews.atRiskAt, version: reviews.deadlineVersion })
    .from(reviews)
    .where(and(isNotNull(reviews.timerSignalDueAt), lt(reviews.timerSignalDueAt, before)))
    .orderBy(asc(reviews.timerSignalDueAt))
    .limit(limit);
}

/** Cleared only for the version told; a newer recompute's mark stays. */
export async function clearSignalMark(db: Db, id: string, version: number): Promise<void> {
  await db
    .update(reviews)
    .set({ timerSignalDueAt: null })
    .where(and(eq(reviews.id, id), eq(reviews.deadlineVersion, version), isNotNull(reviews.timerSignalDueAt)));
}
