import { continueAsNew, workflowInfo } from '@temporalio/workflow';
import type { FinishedBatch } from '../../activities/batches.js';
import { acts } from '../activities.js';
import type { ReviewRoundInput } from '../round/context.js';
import { batchActs } from './activities.js';

/** Numbers per transaction, and how long one activity call works before reporting back. */
export const BATCH_CHUNK = 500;
export const BATCH_SLICE_MS = 15_000;

export type BatchResult = { closed: 'processed'; batch: FinishedBatch };

/**
 * An unsubscribe batch from its stored list to its final state. The database holds the
 * progress (each number's outcome), so the history holds only a few activity calls however
 * long the list; should it still grow long, the workflow continues as new and carries on from
 * what the database says is left.
 */
export async function runBatch(input: ReviewRoundInput): Promise<BatchResult> {
  for (;;) {
    const progress = await batchActs.processBatch({ reviewId: input.reviewId, round: input.round, chunkSize: BATCH_CHUNK, sliceMs: BATCH_SLICE_MS });
    if (progress.remaining === 0) break;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<(i: ReviewRoundInput) => Promise<unknown>>(input);
  }
  return { closed: 'processed', batch: await acts.finishBatch({ reviewId: input.reviewId, round: input.round }) };
}
