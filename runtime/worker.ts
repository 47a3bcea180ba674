import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createWorker } from '../activities/worker.js';
import { connectDatabase } from '../db/client.js';
import { listUnstartedRounds } from '../db/reviews.js';
import { unfinishedBulkJobs } from '../db/bulk.js';
import { ReviewClient } from '../temporal/review-client.js';
import { startCurrentRound } from '../temporal/start-round.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { clientConnectionOptions, type TemporalTarget } from './temporal.js';
import { installTemporalRuntime } from './temporal-runtime.js';
import { createCalendarCache } from './calendar-cache.js';
import { startNoticeDispatcher } from './notice-dispatcher.js';
import { ensureRecomputeRequested } from '../temporal/recompute-client.js';
import { signalDueTimers } from '../deadlines/signal-rounds.js';
import type { Senders } from '../activities/delivery.js';
import { FileStore } from '../files/store.js';
import { cachedWorkflowBundle } from './workflow-bundle.js';

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
  opts: { workflowBundle?: WorkerOptions['workflowBundle']; senders?: Senders } = {},
): Promise<RunningWorker> {
  installTemporalRuntime(log, config.metrics.temporalAddress);
  const database = connectDatabase(databaseUrl);
  const connection = await NativeConnection.connect(temporal.connectionOptions as Parameters<typeof NativeConnection.connect>[0]);
  // A client for the sweeper below and for the recompute activity's signals.
  const clientConnection = await Connection.connect(clientConnectionOptions(temporal, 'background') as Parameters<typeof Connection.connect>[0]);
  const client = new Client({ connection: clientConnection, namespace: temporal.namespace });
  const files = new FileStore(config.filesDir);
  await files.init();
  await files.sweepStaging();
  const worker = await createWorker({
    files,
    connection,
    namespace: temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    db: database.db,
    log,
    calendar: createCalendarCache(database.db),
    temporal: client,
    senders: opts.senders,
    workflowBundle: opts.workflowBundle ?? (await cachedWorkflowBundle(path.join(config.dataDir, 'cache'), [config.dataDir, config.filesDir], log)),
  });
  const done = worker.run();
  const dispatcher = opts.senders ? startNoticeDispatcher({ db: database.db, sql: database.sql, client, taskQueue: config.temporal.taskQueue, log }) : undefined;
  if (!opts.senders) log.warn('no notification senders configured: notices stay queued in the outbox');

  // A round whose row committed but whose workflow start was lost (a crash between the two) is started here.
  const reviews = new ReviewClient(client, config.temporal.taskQueue);
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const row of await listUnstartedRounds(database.db, new Date(Date.now() - config.sweepIntervalMs), 100)) {
        await startCurrentRound({ db: database.db, reviews, log }, row);
        log.info({ reviewId: row.id, round: row.round }, 'started a round whose workflow start was lost');
      }
      // A bulk decision whose workflow start was lost is started again (the start is idempotent).
      for (const job of await unfinishedBulkJobs(database.db, new Date(Date.now() - 60_000))) await reviews.startBulk(job.id, config.claimIdleMinutes);
      // Until none is due: a recompute may have marked many rounds whose instants are close together.
      let told = 0;
      for (let n = -1, until = Date.now() + 60_000; n !== 0 && Date.now() < until; ) {
        n = await signalDueTimers(database.db, client);
        told += n;
      }
      if (told > 0) log.info({ rounds: told }, 'told rounds about timers a recompute moved earlier');
      // A rule or calendar change whose recompute request was lost (Temporal down) is requested again.
      if (await ensureRecomputeRequested(database.db, { client, taskQueue: config.temporal.taskQueue })) {
        log.info('requested a recompute for reviews behind the rules version');
      }
    } catch (err) {
      log.warn({ err }, 'sweep for unstarted rounds failed; will retry');
    } finally {
      sweeping = false;
    }
  };
  const timer = setInterval(() => void sweep(), config.sweepIntervalMs);
  timer.unref();

  // Stopping twice (a shutdown racing a test's or a supervisor's stop) waits for the one stop.
  let stopping: Promise<void> | undefined;
  return {
    done,
    stop: () =>
      (stopping ??= (async () => {
        clearInterval(timer);
        await dispatcher?.stop();
        try {
          worker.shutdown();
        } catch {
          // already stopping or stopped
        }
        await done.catch(() => undefined);
        await clientConnection.close();
        await connection.close();
        await database.close();
      })()),
  };
}
