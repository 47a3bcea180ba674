import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';

/**
 * The batch activity works for many seconds: it heartbeats, so a worker killed mid-batch is
 * noticed within the heartbeat timeout and the work goes to another worker, which resumes from
 * what the database says is left.
 */
export const batchActs = proxyActivities<Pick<ReturnType<typeof createActivities>, 'processBatch'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
