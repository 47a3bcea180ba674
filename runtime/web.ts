import type { Server } from 'node:http';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { connectDatabase, pingDatabase, type Database } from '../db/client.js';
import { getOrCreateSetting, PUBLIC_URL_SETTING, putSetting, randomSecret } from '../db/settings.js';
import { createCalendarCache } from './calendar-cache.js';
import type { NotificationChannels } from './notifications.js';
import { createApp } from '../server/app.js';
import { listeningOrigins } from '../server/backoffice/same-origin.js';
import { createWebMetrics } from './metrics.js';
import type { AppDeps } from '../server/deps.js';
import { ReviewClient } from '../temporal/review-client.js';
import { FileStore } from '../files/store.js';
import { fieldCipherFor } from './field-key.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { ProcessState } from './supervisor.js';
import { clientConnectionOptions, type TemporalTarget } from './temporal.js';

export interface RunningWeb {
  url: string;
  port: number;
  deps: AppDeps;
  /** The app being served (its routes are what a route audit walks). */
  app: Express;
  stop(): Promise<void>;
}


export interface WebOptions {
  channels?: { sms: NotificationChannels['sms']; dev: NonNullable<AppDeps['notifications']>['dev'] };
  /** Where a worker on this machine serves the SDK's metrics, appended to /metrics. */
  sdkMetricsAddress?: string;
  /** The processes of this one's supervisor, for /healthz and /metrics. */
  processes?: () => ProcessState[];
  /** Told every statement this process sends to PostgreSQL (tests counting a request's reads). */
  onStatement?: (text: string) => void;
}

/**
 * What the routes and use-cases run on (database, Temporal client, file store, field key), without
 * a server: the web process serves with it, and `npm start` loads its demo data with it.
 */
export async function openAppDeps(config: Config, databaseUrl: string, temporal: TemporalTarget, log: Logger, opts: WebOptions = {}): Promise<{ deps: AppDeps; db: Database; close(): Promise<void> }> {
  const database = connectDatabase(databaseUrl, { onStatement: opts.onStatement });
  const connection = await Connection.connect(clientConnectionOptions(temporal, 'answering') as Parameters<typeof Connection.connect>[0]);
  const client = new Client({ connection, namespace: temporal.namespace });
  const files = new FileStore(config.filesDir);
  await files.init();
  const deps: AppDeps = {
    files,
    cipher: await fieldCipherFor(config),
    claimIdleMinutes: config.claimIdleMinutes,
    presenceHeartbeatSeconds: config.presenceHeartbeatSeconds,
    apiKeyGuessesPerAddress: config.apiKeyGuessesPerAddress,
    db: database.db,
    reviews: new ReviewClient(client, config.temporal.taskQueue),
    calendar: createCalendarCache(database.db),
    log,
    now: () => new Date(),
    notifications: opts.channels ? { smsCallback: { appKey: opts.channels.sms.appKey, appSecret: opts.channels.sms.appSecret }, dev: opts.channels.dev } : undefined,
    processes: opts.processes,
    health: async () => {
      const [postgres, temporalUp] = await Promise.all([
        withTimeout(pingDatabase(database.sql), 2000).then(() => true, () => false),
        withTimeout(connection.healthService.check({}), 2000).then(() => true, () => false),
      ]);
      return { postgres, temporal: temporalUp };
    },
  };
  return {
    deps,
    db: database,
    close: async () => {
      await connection.close();
      await database.close();
    },
  };
}

/** Starts the back office and tenant API on config.web.port (0 picks a free port). */
export async function startWeb(config: Config, databaseUrl: string, temporal: TemporalTarget, log: Logger, opts: WebOptions = {}): Promise<RunningWeb> {
  const { deps, db: database, close } = await openAppDeps(config, databaseUrl, temporal, log, opts);
  const cookieSecret = config.web.sessionSecret ?? (await getOrCreateSetting(database.db, 'cookie_secret', randomSecret));
  const metrics = createWebMetrics(database.db, log, { temporalAddress: opts.sdkMetricsAddress, processes: opts.processes });
  let origins: string[] = [];
  const app = createApp(deps, {
    listeningOrigins: () => origins,
    cookieSecret,
    secureCookies: config.web.cookieSecure,
    trustProxy: config.web.publicUrl !== undefined,
    publicUrl: config.web.publicUrl,
    metrics,
    metricsToken: config.metrics.token,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.web.port, config.web.host, () => resolve(s));
    s.once('error', reject);
  });
  // Errors of the listening socket itself (an accept that fails: out of file descriptors) are the
  // server's, not a request's: logged, and the server goes on accepting.
  server.on('error', (err) => log.error({ err }, 'the web server socket failed'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.web.port;
  origins = listeningOrigins(config.web.host, port);
  const url = config.web.publicUrl ?? `http://${config.web.host === '0.0.0.0' ? '127.0.0.1' : config.web.host}:${port}`;
  await putSetting(database.db, PUBLIC_URL_SETTING, url);
  return {
    url,
    port,
    deps,
    app,
    stop: async () => {
      await drain(server, DRAIN_MS);
      await close();
    },
  };
}

/** How long requests already being answered get to finish once the server stops. */
const DRAIN_MS = 10_000;

/**
 * Stops accepting connections, lets the requests in progress finish (idle keep-alive
 * connections are closed as soon as they are idle), and cuts whatever is left after `ms`.
 */
async function drain(server: Server, ms: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const cut = setTimeout(() => server.closeAllConnections(), ms);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(cut);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
