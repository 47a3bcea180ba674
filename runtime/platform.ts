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
 * Finds or starts what the app runs on: PostgreSQL (DATABASE_URL or embedded in DATA_DIR), which
 * it then migrates, and Temporal (TEMPORAL_ADDRESS or a local dev server with its state in
 * DATA_DIR). Neither needs the other, so they start side by side: `npm start` is ready about a
 * second sooner, the dev server's start. Stopping stops only what was started here, Temporal first
 * and PostgreSQL last, as the app's shutdown orders them; a start that fails stops the other.
 */
export async function startPlatform(
  config: Config,
  env: Record<string, string | undefined>,
  log: Logger,
  events: PlatformEvents = { started: () => undefined, died: () => undefined },
): Promise<Platform> {
  const stops: Partial<Record<EmbeddedService, () => Promise<void>>> = {};
  const stopAll = async () => {
    for (const stop of [stops.temporal, stops.postgres]) await stop?.().catch((err: unknown) => log.warn({ err }, 'stopping a service failed'));
  };
  const database = (async () => {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      log.info({ dir: path.join(config.dataDir, 'postgres') }, 'no DATABASE_URL: starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'voice_review_desk', log });
      stops.postgres = pg.stop;
      events.started('postgres', pg.stop);
      void pg.died.then((how) => events.died('postgres', how));
      databaseUrl = pg.url;
    }
    log.info({ database: maskUrl(databaseUrl) }, 'applying migrations');
    const { appUrl } = await prepareDatabase(databaseUrl, { appUrl: config.databaseAppUrl });
    return { databaseUrl, appUrl };
  })();
  const temporal = (async (): Promise<TemporalTarget> => {
    if (config.temporal.address) return temporalTarget(env);
    log.info('no TEMPORAL_ADDRESS: starting the Temporal dev server');
    const dev = await startDevServer({
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      namespace: config.temporal.namespace,
      log: (m) => log.info(m),
    });
    stops.temporal = dev.stop;
    events.started('temporal', dev.stop);
    void dev.died.then((how) => events.died('temporal', how));
    return temporalTarget(env, { address: dev.address, namespace: dev.namespace });
  })();
  const [db, target] = await Promise.allSettled([database, temporal]);
  if (db.status === 'rejected' || target.status === 'rejected') {
    await stopAll();
    throw db.status === 'rejected' ? db.reason : (target as PromiseRejectedResult).reason;
  }
  return {
    databaseUrl: db.value.databaseUrl,
    appDatabaseUrl: db.value.appUrl,
    temporal: target.value,
    embedded: { postgres: !config.databaseUrl, temporal: !config.temporal.address },
    stop: stopAll,
  };
}
