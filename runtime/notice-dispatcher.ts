import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { dispatchBatch } from '../db/outbox.js';
import type { Logger } from './logger.js';

/**
 * Hands new outbox rows, in batches, to delivery workflows (`notices-<first id>-<sendRound>`)
 * at most `intervalMs` after they were written. Rows are marked dispatched in the same
 * transaction that chose them; should that commit fail after the start, a second workflow
 * may get the same rows, and the per-row claim makes sure only one of them sends.
 */
export function startNoticeDispatcher(opts: { db: Db; client: Client; taskQueue: string; log: Logger; intervalMs?: number }): { stop(): Promise<void> } {
  const BATCH = 50;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const interval = opts.intervalMs ?? 200;

  const once = () =>
    dispatchBatch(opts.db, BATCH, async (rows) => {
      const first = rows[0]!;
      try {
        await opts.client.workflow.start('deliverNoticesWorkflow', {
          taskQueue: opts.taskQueue,
          workflowId: `notices-${first.id}-${first.sendRound}`,
          args: [rows.map((r) => r.id)],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    });

  const loop = async () => {
    while (!stopped) {
      let n = 0;
      try {
        n = await once();
      } catch (err) {
        opts.log.warn({ err }, 'notice dispatch failed; will retry');
      }
      if (n < BATCH && !stopped) await new Promise((r) => setTimeout(r, interval));
    }
  };
  running = loop();
  return {
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
