import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { clearSignalMark, roundsDueForSignal } from '../db/deadline-recompute.js';
import { deadlineChangedSignal, reminderRuleChangedSignal, type Deadline } from '../workflows/messages.js';

/**
 * Telling a round that its deadline moved: the one place both the recompute (timers moved soon)
 * and the worker's sweeper (timers moved later in the hour) send `deadlineChanged` from. Signals
 * carry the row's deadline_version, so a round told twice ignores the second.
 */

/** Rounds told at once. */
export const SIGNAL_CONCURRENCY = 32;

/**
 * Rounds whose timer moved earlier but still lies further ahead than this are not signalled
 * during the recompute: a signal per round would make a large recompute take minutes. The
 * sweeper (`signalDueTimers`) signals each of them well before its instant.
 */
export const SIGNAL_HORIZON_MS = 60 * 60_000;

/**
 * Tells one round its deadline (and, when an open reminder's answer time moved, to read its
 * reminders again). False when the round is gone (decided and closed meanwhile, or not started).
 */
export async function signalDeadline(client: Client, workflowId: string, deadline: Deadline, opts: { reminderMoved?: boolean } = {}): Promise<boolean> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    await handle.signal(deadlineChangedSignal, deadline);
    if (opts.reminderMoved) await handle.signal(reminderRuleChangedSignal);
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

function isGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err instanceof Error && /workflow execution already completed/i.test(err.message));
}

/** Runs `fn` over the items, at most `limit` at a time. */
export async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Tells review rounds about timers a recompute moved earlier but not soon, within
 * SIGNAL_HORIZON_MS (an hour) before they matter, earliest first, so a recompute of many
 * reviews does not wait for a signal per round. The worker's sweeper runs it every 30 s until
 * nothing is due; at the measured ~190 signals/s an hour's headroom covers over 600,000
 * rounds. Several copies may run: a second signal of the same version is ignored.
 */
export async function signalDueTimers(db: Db, client: Client, now = new Date()): Promise<number> {
  const rows = await roundsDueForSignal(db, new Date(now.getTime() + SIGNAL_HORIZON_MS), 1000);
  let signalled = 0;
  await mapLimit(rows, SIGNAL_CONCURRENCY, async (r) => {
    const deadline = { dueAt: r.dueAt.toISOString(), atRiskAt: (r.atRiskAt ?? r.dueAt).toISOString(), version: r.version };
    // A round gone meanwhile has nothing to be told; its mark goes either way.
    if (await signalDeadline(client, r.workflowId, deadline)) signalled += 1;
    await clearSignalMark(db, r.id, r.version);
  });
  return signalled;
}
