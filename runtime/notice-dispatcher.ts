import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Db } from '../db/client.js';
import { dispatchBatch } from '../db/outbox.js';
import type { Logger } from './logger.js';

/**
 * Hands new outbox rows, in batches, to delivery workflows (`notices-<first id>-<sendRound>-<digest of the batch>`)
 * as soon as the transaction that wrote them commits (a trigger NOTIFYs notice_outbox, which
 * `sql` LISTENs to) and otherwise at most `intervalMs` after they were written. Rows are marked
 * dispatched in the same transaction that chose them; should that commit fail after the start, a
 * second workflow may get the same rows, and the per-row claim makes sure only one of them sends.
 */
const batchDigest = (rows: { id: string; sendRound: number }[]) =>
  createHash('sha256')
    .update(rows.map((r) => `${r.id}.${r.sendRound}`).join(','))
    .digest('hex')
    .slice(0, 16);

export function startNoticeDispatcher(opts: { db: Db; sql?: postgres.Sql; client: Client; taskQueue: string; log: Logger; intervalMs?: number }): { stop(): Promise<void> } {
  const BATCH = 50;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const interval = opts.intervalMs ?? 200;
  // A notification that arrives while a batch is being dispatched is kept for the next turn.
  let notified = false;
  let wake: (() => void) | undefined;
  const listening = opts.sql
    ?.listen('notice_outbox', () => {
      notified = true;
      wake?.();
    })
    .catch((err: unknown) => {
      opts.log.warn({ err }, 'cannot LISTEN for new notices; dispatching on the interval only');
      return undefined;
    });
  const nextTurn = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (wake = undefined));

  const once = () =>
    dispatchBatch(opts.db, BATCH, async (rows) => {
      const first = rows[0]!;
      try {
        await opts.client.workflow.start('deliverNoticesWorkflow', {
          taskQueue: opts.taskQueue,
          // Named by every row it carries: after a dispatcher died between the start and its commit,
          // the next batch may begin with the same row and hold more; it must start a workflow of
          // its own rather than be taken for the one already running without those rows.
          workflowId: `notices-${first.id}-${first.sendRound}-${batchDigest(rows)}`,
          args: [rows.map((r) => r.id)],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
    });

  // Notices written close together go out in one workflow: at most one dispatch per gap, so a busy
  // minute costs the Temporal server a few workflows a second, not one per decision.
  const gap = Math.min(100, interval);
  const loop = async () => {
    while (!stopped) {
      const began = Date.now();
      let n = 0;
      try {
        n = await once();
      } catch (err) {
        opts.log.warn({ err }, 'notice dispatch failed; will retry');
      }
      if (n < BATCH && !stopped) {
        if (!notified) await nextTurn();
        const rest = gap - (Date.now() - began);
        if (rest > 0 && !stopped) await new Promise((r) => setTimeout(r, rest));
      }
      notified = false;
    }
  };
  running = loop();
  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await running;
      await (await listening)?.unlisten();
    },
  };
}
