import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { findBulkJob, finishBulkJob, pendingBulkItems, recordBulkItem } from '../db/bulk.js';
import { findActiveReasons } from '../db/rules.js';
import type { Role, ReviewKind } from '../domain/review.js';
import { DecisionRefused, ReviewClient } from '../temporal/review-client.js';

/**
 * Decides the next pending items of a bulk job, each through the review's own Update (so every
 * rule of a single decision holds: assigned elsewhere, already decided, stale). The Update id is
 * the job and the review, so an item retried after a crash is decided once.
 */
export async function decideBulkChunk(
  db: Db,
  temporal: Client | undefined,
  args: { jobId: string; limit: number; claimIdleMinutes?: number },
): Promise<{ done: boolean; processed: number }> {
  if (!temporal) throw new Error('bulk decisions need a Temporal client');
  const job = await findBulkJob(db, args.jobId);
  if (!job) return { done: true, processed: 0 };
  const items = await pendingBulkItems(db, args.jobId, args.limit);
  const reviews = new ReviewClient(temporal, '');
  const actor = { id: job.actorId, name: job.actorName, role: job.actorRole as Role };
  for (const item of items) {
    Context.current().heartbeat(item.reviewId);
    if (job.outcome === 'rejected' && job.reasonCode && !(await findActiveReasons(db, item.kind as ReviewKind)).some((r) => r.code === job.reasonCode)) {
      await recordBulkItem(db, job.id, item.reviewId, 'refused', { code: 'reason_required' });
      continue;
    }
    try {
      await reviews.decide(
        item.reviewId,
        { round: item.round, outcome: job.outcome, reasonCode: job.outcome === 'rejected' ? job.reasonCode : null, reasonText: job.outcome === 'rejected' ? job.reasonText : null, actor, claimIdleMinutes: args.claimIdleMinutes },
        `bulk-${job.id}-${item.reviewId}`,
      );
      await recordBulkItem(db, job.id, item.reviewId, 'applied', null);
    } catch (err) {
      if (err instanceof DecisionRefused) await recordBulkItem(db, job.id, item.reviewId, 'refused', err.refusal);
      else throw err;
    }
  }
  const done = items.length < args.limit;
  if (done) await finishBulkJob(db, job.id);
  return { done, processed: items.length };
}
