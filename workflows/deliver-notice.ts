import { ApplicationFailure, patched, proxyActivities, proxyLocalActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

type Activities = ReturnType<typeof createActivities>;

const deliverOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    maximumAttempts: 20,
    nonRetryableErrorTypes: ['PermanentDeliveryError', 'NoticeNotFound'],
  },
};
const giveUpOptions: ActivityOptions = { startToCloseTimeout: '30 seconds' };

// Activity proxies have no keys of their own to spread: each function is taken by name.
const tasks = { deliverNotice: proxyActivities<Activities>(deliverOptions).deliverNotice, giveUpNotice: proxyActivities<Activities>(giveUpOptions).giveUpNotice };
const local = { deliverNotice: proxyLocalActivities<Activities>(deliverOptions).deliverNotice, giveUpNotice: proxyLocalActivities<Activities>(giveUpOptions).giveUpNotice };

/**
 * From this change on each send runs as a local activity in the worker holding the batch: a batch
 * is then one workflow task on the server however many notices it holds, rather than an activity
 * task per notice, and a notice leaves in one round trip. The same retry policy, run by the SDK (a
 * timer between attempts once the wait passes a minute). Batches started before replay with the
 * activity tasks their histories recorded.
 */
export const LOCAL_DELIVERY = 'deliver-notices-as-local-activities';

/**
 * Delivers a batch of outbox rows, each with its own retries (Temporal owns them). The
 * workflow id is the claim: a second workflow for the same rows never sends them again.
 */
export async function deliverNoticesWorkflow(outboxIds: string[]): Promise<Record<string, string>> {
  const claimant = workflowInfo().workflowId;
  const { deliverNotice, giveUpNotice } = patched(LOCAL_DELIVERY) ? local : tasks;
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
