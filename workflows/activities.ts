import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

const options = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/** Every activity a review lifecycle calls, with one retry policy: Temporal owns retries. */
export const acts = proxyActivities<ReturnType<typeof createActivities>>(options);

/**
 * The same activities run by the worker that holds the round, inside the workflow task that asked
 * for them: a short database write needs no task of its own on the server (no activity task to
 * match, no second workflow task), so a decision answers in one round trip and a submission costs
 * the server about half the work. The same retry policy; the SDK retries them (with a timer once a
 * wait grows past a minute). Only for calls that finish in moments and are safe to repeat.
 */
export const localActs = proxyLocalActivities<ReturnType<typeof createActivities>>(options);

/**
 * The automatic check, tried a bounded number of times (about half a minute in all): a check that
 * keeps failing is left to staff rather than retried for ever (workflows/review-lifecycle.ts).
 */
export const precheckActs = proxyLocalActivities<ReturnType<typeof createActivities>>({ ...options, retry: { ...options.retry, maximumAttempts: 5 } });
