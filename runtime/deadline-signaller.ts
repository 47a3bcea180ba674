import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, asc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { SIGNAL_HORIZON_MS } from '../deadlines/recompute.js';
import type { Db } from '../db/client.js';
import { reviews } from '../db/schema.js';
import { deadlineChangedSignal } from '../workflows/messages.js';

/**
 * Tells review rounds about timers a recompute moved earlier but not soon, within
 * SIGNAL_HORIZON_MS (an hour) before they matter, earliest first, so a recompute of many
 * reviews does not wait for a signal per round. The worker's sweeper runs it every 30 s until
 * nothing is due; at the measured ~190 signals/s an hour's headroom covers over 600,000
 * rounds. Several copies may run: a second signal of the same version is ignored.
 */
export async function signalDueTimers(db: Db, client: Client, now = new Date()): Promise<number> {
  const rows = await db
    .select({ id: reviews.id, workflowId: reviews.workflowId, dueAt: reviews.dueAt, atRiskAt: reviews.atRiskAt, version: reviews.deadlineVersion })
    .from(reviews)
    .where(and(isNotNull(reviews.timerSignalDueAt), lt(reviews.timerSignalDueAt, new Date(now.getTime() + SIGNAL_HORIZON_MS))))
    .orderBy(asc(reviews.timerSignalDueAt))
    .limit(1000);
  let signalled = 0;
  for (let i = 0; i < rows.length; i += 32) {
    await Promise.all(
      rows.slice(i, i + 32).map(async (r) => {
        try {
          await client.workflow.getHandle(r.workflowId).signal(deadlineChangedSignal, {
            dueAt: r.dueAt.toISOString(),
            atRiskAt: (r.atRiskAt ?? r.dueAt).toISOString(),
            version: r.version,
          });
          signalled += 1;
        } catch (err) {
          // Decided and closed meanwhile: nothing to tell.
          if (!(err instanceof WorkflowNotFoundError) && !/not found|already completed/i.test(String(err))) throw err;
        }
        // Cleared only for the version told; a newer recompute's mark stays.
        await db
          .update(reviews)
          .set({ timerSignalDueAt: null })
          .where(and(eq(reviews.id, r.id), eq(reviews.deadlineVersion, r.version), sql`${reviews.timerSignalDueAt} is not null`));
      }),
    );
  }
  return signalled;
}
