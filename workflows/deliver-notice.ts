import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

const { deliverNotice } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 20,
    nonRetryableErrorTypes: ['PermanentDeliveryError', 'NoticeNotFound'],
  },
});
const { giveUpNotice } = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '30 seconds' });

/**
 * Delivers a batch of outbox rows, each with its own retries (Temporal owns them). The
 * workflow id is the claim: a second workflow for the same rows never sends them again.
 */
export async function deliverNoticesWorkflow(outboxIds: string[]): Promise<Record<string, string>> {
  const claimant = workflowInfo().workflowId;
  const results = await Promise.all(
    outboxIds.map(async (outboxId): Promise<[string, string]> => {
      try {
        return [outboxId, (await deliverNotice({ outboxId, claimant })).state];
      } catch (err) {
        const cause = err instanceof Error && 'cause' in err && err.cause instanceof Error ? err.cause : err;
        if (!(cause instanceof ApplicationFailure && cause.type === 'PermanentDeliveryError')) {
          await giveUpNotice({ outboxId, reason: cause instanceof Error ? cause.message : String(cause) });
        }
        return [outboxId, 'failed'];
      }
    }),
  );
  return Object.fromEntries(results);
}
