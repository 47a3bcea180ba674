import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

/** Every activity a review lifecycle calls, with one retry policy: Temporal owns retries. */
export const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
