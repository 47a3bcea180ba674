import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createWorker } from '../activities/worker.js';
import { connectDatabase } from '../db/client.js';
import { listUnstartedRounds } from '../db/reviews.js';
import { ReviewClient } from '../server/review-client.js';
import { startCurrentRound } from '../server/use-cases/start-round.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { TemporalTarget } from './temporal.js';
import { installTemporalRuntime } from './temporal-runtime.js';
import { createCalendarCache } from './calendar-cache.js';

export interface RunningWorker {
  stop(): Promise<void>;
  /** Resolves when the worker has fully shut down (or rejects if it crashed). */
  done: Promise<void>;
}

/** Runs the Temporal worker (workflows + activities) and the sweeper for unstarted rounds. */
export async function startWorker(
  config: Config,
  databaseUrl: string,
  temporal: TemporalTarget,
  log: Logger,
  opts: { workflowBundle?: WorkerOptions['workflowBundle'] } = {},
): Promise<RunningWorker> {
  installTemporalRuntime(log);
  const database = connectDatabase(databaseUrl);
  const connection = await NativeConnection.connect(temporal.connectionOptions as Parameters<typeof NativeConnection.connect>[0]);
  const worker = await createWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    db: database.db,
    log,
    calendar: createCalendarCache(database.db),
    workflowBundle: opts.workflowBundle,
  });
  const done = worker.run();

  // A round whose row committed but whose workflow start was lost (a crash between the two) is started here.
  const clientConnection = await Connection.connect(temporal.connectionOptions as Parameters<typeof Connection.connect>[0]);
  const reviews = new ReviewClient(new Client({ connection: clientConnection, namespace: temporal.namespace }), config.temporal.taskQueue);
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const row of await listUnstartedRounds(database.db, new Date(Date.now() - 30_000), 100)) {
        await startCurrentRound({ db: database.db, reviews, log }, row);
        log.info({ reviewId: row.id, round: row.round }, 'started a round whose workflow start was lost');
      }
    } catch (err) {
      log.warn({ err }, 'sweep for unstarted rounds failed; will retry');
    } finally {
      sweeping = false;
    }
  };
  const timer = setInterval(() => void sweep(), 30_000);
  timer.unref();

  return {
    done,
    stop: async () => {
      clearInterval(timer);
      try {
        worker.shutdown();
      } catch {
        // already stopping or stopped
      }
      await done.catch(() => undefined);
      await clientConnection.close();
      await connection.close();
      await database.close();
    },
  };
}
