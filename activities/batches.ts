import { KINDS } from '../domain/kinds/index.js';
import type { ReviewKind } from '../domain/review.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/common';
import type { Db, Tx } from '../db/client.js';
import { batchCounts } from '../db/subjects/number-unsubscribe.js';
import { numbers, reviews, unsubscribeBatches } from '../db/schema.js';
import { statusLabel } from '../i18n/labels.js';
import { batchStatus, rentUntil, type BatchStatus, type UnsubscribeFailure } from '../domain/numbers.js';
import { queueTenantNotices } from '../notices/tenant-notices.js';
import { recordReviewEvent } from '../db/review-events.js';

/**
 * An unsubscribe batch, processed in chunks. Each chunk is one transaction: it locks the next
 * pending numbers of the batch in sheet order, checks them (the tenant's, active, not listed
 * earlier in the batch), releases those that pass and records every outcome and the batch's
 * counts. A worker killed mid-chunk commits nothing of it; the retried activity finds the same
 * numbers still pending. A number is released only from active and only while its batch row is
 * pending, so nothing is released twice or lost, whatever runs again.
 */

export interface BatchProgress {
  total: number;
  processed: number;
  released: number;
  failed: number;
  /** Numbers still to check. */
  remaining: number;
}

export interface ProcessBatchArgs {
  reviewId: string;
  round: number;
  /** Numbers per transaction. */
  chunkSize: number;
  /** Stop after this long and return, so the workflow sees progress (its history stays short). */
  sliceMs: number;
}

export interface BatchDeps {
  db: Db;
  heartbeat?: (details?: unknown) => void;
  now?: () => Date;
}

type Candidate = {
  position: number;
  number: string | null;
  earlier: boolean;
  number_id: number | null;
  number_status: 'active' | 'released' | null;
};

async function batchOf(db: Db | Tx, reviewId: string) {
  const [batch] = await db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.reviewId, reviewId));
  if (!batch) throw ApplicationFailure.nonRetryable(`no unsubscribe batch for review ${reviewId}`, 'BatchNotFound');
  return batch;
}

const progressOf = (b: typeof unsubscribeBatches.$inferSelect): BatchProgress => ({ ...batchCounts(b), processed: b.processed, remaining: b.total - b.processed });

/** One chunk in one transaction; returns how many numbers it settled (0: none left). */
async function processChunk(db: Db, batch: { id: string; tenantId: string }, chunkSize: number, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = [
      ...(await tx.execute<Candidate>(sql`
        select bn.position, bn.number,
          exists (select 1 from batch_numbers d where d.batch_id = bn.batch_id and d.number = bn.number and d.position < bn.position) as earlier,
          n.id as number_id, n.status as number_status
        from batch_numbers bn
        left join lateral (
          select x.id, x.status from numbers x
          where x.number = bn.number and x.tenant_id = ${batch.tenantId}::uuid
          order by (x.status = 'active') desc, x.id desc
          limit 1
        ) n on true
        where bn.batch_id = ${batch.id} and bn.outcome = 'pending'
        order by bn.position
        limit ${chunkSize}
        for update of bn`)),
    ];
    if (rows.length === 0) return 0;

    const failures = new Map<number, UnsubscribeFailure>();
    const toRelease = new Map<number, number>();
    for (const r of rows) {
      if (r.number === null) failures.set(r.position, 'invalid_format');
      else if (r.earlier) failures.set(r.position, 'duplicate_in_batch');
      else if (r.number_id === null) failures.set(r.position, 'not_found');
      else if (r.number_status !== 'active') failures.set(r.position, 'already_released');
      else toRelease.set(Number(r.number_id), r.position);
    }
    const released = new Set<number>();
    if (toRelease.size > 0) {
      const done = await tx
        .update(numbers)
        .set({ status: 'released', releasedAt: now, rentUntil: rentUntil(now), releasedByBatch: batch.id })
        .where(and(inArray(numbers.id, [...toRelease.keys()]), eq(numbers.status, 'active')))
        .returning({ id: numbers.id });
      for (const d of done) released.add(toRelease.get(d.id)!);
      // Released by someone else between the check and the update (another batch of this tenant).
      for (const position of toRelease.values()) if (!released.has(position)) failures.set(position, 'release_conflict');
    }

    const outcomes = rows.map((r) => ({
      position: r.position,
      outcome: released.has(r.position) ? 'released' : 'failed',
      reason: released.has(r.position) ? null : (failures.get(r.position) ?? null),
    }));
    await tx.execute(sql`
      update batch_numbers as b set outcome = o.outcome, reason = o.reason, processed_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as o(position int, outcome text, reason text)
      where b.batch_id = ${batch.id} and b.position = o.position and b.outcome = 'pending'`);
    await tx
      .update(unsubscribeBatches)
      .set({
        processed: sql`${unsubscribeBatches.processed} + ${rows.length}`,
        released: sql`${unsubscribeBatches.released} + ${released.size}`,
        failed: sql`${unsubscribeBatches.failed} + ${rows.length - released.size}`,
      })
      .where(eq(unsubscribeBatches.id, batch.id));
    return rows.length;
  });
}

/**
 * Settles pending numbers chunk by chunk for up to `sliceMs`, heartbeating after each chunk with
 * the progress, and returns where the batch stands. A heartbeat also runs while a chunk works,
 * so a slow chunk is not mistaken for a dead worker; a dead worker stops them, and Temporal
 * gives the activity to another worker, which resumes from the pending numbers.
 */
export async function processBatch(deps: BatchDeps, args: ProcessBatchArgs): Promise<BatchProgress> {
  const { db } = deps;
  const heartbeat = deps.heartbeat ?? (() => undefined);
  const batch = await batchOf(db, args.reviewId);
  const until = Date.now() + args.sliceMs;
  let settled = 0;
  const beat = setInterval(() => heartbeat({ batchId: batch.id, settled }), 2_000);
  try {
    for (;;) {
      const n = await processChunk(db, batch, Math.max(1, Math.floor(args.chunkSize)), deps.now?.() ?? new Date());
      settled += n;
      heartbeat({ batchId: batch.id, settled });
      if (n === 0 || Date.now() >= until) break;
    }
  } finally {
    clearInterval(beat);
  }
  return progressOf(await batchOf(db, args.reviewId));
}

export interface FinishedBatch {
  status: BatchStatus;
  counts: { total: number; released: number; failed: number };
}

/**
 * Every number is settled: the batch ends completed, partially succeeded or check failed, with
 * the timeline, an audit row and a notice to the contacts. Idempotent.
 */
export async function finishBatch(db: Db, args: { reviewId: string; round: number }): Promise<FinishedBatch> {
  return db.transaction(async (tx) => {
    const [review] = await tx.select().from(reviews).where(eq(reviews.id, args.reviewId)).for('update');
    if (!review) throw ApplicationFailure.nonRetryable(`review ${args.reviewId} not found`, 'ReviewNotFound');
    const batch = await batchOf(tx, args.reviewId);
    if (batch.processed < batch.total) throw ApplicationFailure.retryable(`batch ${batch.id} still has ${batch.total - batch.processed} numbers to check`, 'BatchNotSettled');
    const counts = batchCounts(batch);
    const status = batchStatus(counts);
    if (review.status !== 'checking') return { status: review.status as BatchStatus, counts };
    await tx.update(reviews).set({ status, queueBucket: 1, updatedAt: sql`now()` }).where(eq(reviews.id, review.id));
    await tx.update(unsubscribeBatches).set({ finishedAt: sql`now()` }).where(eq(unsubscribeBatches.id, batch.id));
    const key = `${review.id}:${review.round}:batch_finished`;
    // Releasing is irreversible: the tenant's request and its result are on the audit log.
    await recordReviewEvent(
      tx,
      { reviewId: review.id, round: review.round, type: 'batch_finished', actorType: 'system', data: { status, ...counts }, dedupeKey: key },
      { actorType: 'tenant', actorId: review.tenantId, actorLabel: null, action: 'numbers.release', objectType: 'unsubscribe_batch', objectId: batch.id, details: { reviewId: review.id, status, ...counts } },
    );
    await queueTenantNotices(tx, {
      tenantId: review.tenantId,
      subscription: KINDS[review.kind as ReviewKind].subscription,
      event: 'unsubscribe.finished',
      outboxEvent: `${review.kind}.${status}`,
      reviewId: review.id,
      cause: key,
      facts: (language) => ({ kind: review.kind, subjectId: review.subjectId, statusLabel: statusLabel(status, language), ...counts }),
    });
    return { status, counts };
  });
}
