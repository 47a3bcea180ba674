import { continueAsNew } from '@temporalio/workflow';
import { acts } from './activities.js';

/** A bulk decision works through its items in chunks until none is pending; the history stays short. */
export async function bulkDecide(input: { jobId: string; claimIdleMinutes?: number; chunks?: number }): Promise<void> {
  for (let chunks = input.chunks ?? 0; ; chunks++) {
    if (chunks > 0 && chunks % 200 === 0) await continueAsNew<typeof bulkDecide>({ ...input, chunks });
    const { done } = await acts.decideBulkChunk({ jobId: input.jobId, limit: 20, claimIdleMinutes: input.claimIdleMinutes });
    if (done) return;
  }
}
