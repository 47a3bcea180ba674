import path from 'node:path';
import { prepareDatabase } from '../db/migrate.js';
import { startDevServer } from '../scripts/temporal/dev-server.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { maskUrl, type Logger } from './logger.js';
import { temporalTarget, type TemporalTarget } from './temporal.js';

export type EmbeddedService = 'postgres' | 'temporal';

export interface Platform {
  /** The owner's URL: migrations and maintenance only. */
  databaseUrl: string;
  /** The restricted application role's URL: what web and worker connect with. */
  appDatabaseUrl: string;
  temporal: TemporalTarget;
  embedded: { postgres: boolean; temporal: boolean };
  stop(): Promise<void>;
}

/** What the caller hears about the services started here, as soon as it happens. */
export interface PlatformEvents {
  /** A service is running; `stop` stops it (idempotent). */
  started(service: EmbeddedService, stop: () => Promise<void>): void;
  /** A service exited without being asked to: the app cannot go on without it. */
  died(service: EmbeddedService, how: string): void;
}

/**
 * Finds or starts what the app runs on: PostgreSQL (DATABASE_URL or embedded in DATA_DIR)
 * and Temporal (TEMPORAL_ADDRESS or a local dev server with its state in DATA_DIR), then
 * migrates the database. Stopping stops only what was started here.
 */
export async function startPlatform(
  config: Config,
  env: Record<string, string | undefined>,
  log: Logger,
  events: PlatformEvents = { started: () => undefined, died: () => undefined },
): Promise<Platform> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of [...stops].reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'stopping a service failed'));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      log.info({ dir: path.join(config.dataDir, 'postgres') }, 'no DATABASE_URL: starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'voice_review_desk', log });
      stops.push(pg.stop);
      events.started('postgres', pg.stop);
      void pg.died.then((how) => events.died('postgres', how));
      databaseUrl = pg.url;
    }
    log.info({ database: maskUrl(databaseUrl) }, 'applying migrations');
    const { appUrl } = await prepareDatabase(databaseUrl, { appUrl: config.databaseAppUrl });

    let temporal: TemporalTarget;
    if (!config.temporal.address) {
      log.info('no TEMPORAL_ADDRESS: starting the Temporal dev server');
      const dev = await startDevServer({
        dbFile: path.join(config.dataDir, 'temporal.sqlite'),
        namespace: config.temporal.namespace,
        log: (m) => log.info(m),
      });
      stops.push(dev.stop);
      events.started('temporal', dev.stop);
      void dev.died.then((how) => events.died('temporal', how));
      temporal = temporalTarget(env, { address: dev.address, namespace: dev.namespace });
    } else {
      temporal = temporalTarget(env);
    }
    return {
      databaseUrl,
      appDatabaseUrl: appUrl,
      temporal,
      embedded: { postgres: !config.databaseUrl, temporal: !config.temporal.address },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
