import type { Client } from '@temporalio/client';
import { and, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { currentRulesVersion } from '../db/rules-version.js';
import { reviews } from '../db/schema.js';
import { OPEN_STATUSES } from '../domain/review.js';
import { recomputeRequestedSignal, type RecomputeInput } from '../workflows/recompute-deadlines.js';

/** The singleton recompute workflow. */
export const RECOMPUTE_WORKFLOW_ID = 'recompute-deadlines';
const DEFAULT_TASK_QUEUE = 'voice-review-desk';

/** Where the recompute runs: the deployment's Temporal client and task queue. */
export interface RecomputeTarget {
  client: Client;
  taskQueue: string;
}

/**
 * 'recompute-deadlines' for the deployment's (default) task queue. A namespace shared by several
 * deployments or test apps, each with its own task queue, gets one singleton per queue, so a
 * request never lands in a workflow whose workers belong to someone else.
 */
export function recomputeWorkflowId(taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? RECOMPUTE_WORKFLOW_ID : `${RECOMPUTE_WORKFLOW_ID}@${taskQueue}`;
}

/**
 * Asks for every open deadline to be brought up to `targetVersion` (the rules version a change
 * committed): signalWithStart of the singleton workflow, which keeps the highest version asked
 * for. Safe to call any number of times.
 */
export async function requestRecompute(client: Client, taskQueue: string, reason: string, targetVersion: number): Promise<void> {
  const args: [RecomputeInput] = [{}];
  await client.workflow.signalWithStart('recomputeDeadlines', {
    workflowId: recomputeWorkflowId(taskQueue),
    taskQueue,
    args,
    signal: recomputeRequestedSignal,
    signalArgs: [{ targetVersion, reason }],
  });
}

/**
 * Requests a recompute when any open deadline (a pending review, an order in provisioning) is behind the current rules version, e.g. after a
 * change whose request failed (Temporal was down). Cheap (one index probe); meant for a periodic
 * sweeper or start-up. Returns whether it asked.
 */
export async function ensureRecomputeRequested(db: Db, target: RecomputeTarget): Promise<boolean> {
  const version = await currentRulesVersion(db);
  if (version === 0) return false;
  const [behind] = await db
    .select({ id: reviews.id })
    .from(reviews)
    .where(and(inArray(reviews.status, [...OPEN_STATUSES]), lt(reviews.rulesVersion, version)))
    .limit(1);
  if (!behind) return false;
  await requestRecompute(target.client, target.taskQueue, 'pending reviews behind the rules version', version);
  return true;
}
