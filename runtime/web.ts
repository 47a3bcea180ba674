import type { Server } from 'node:http';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { connectDatabase, pingDatabase } from '../db/client.js';
import { getOrCreateSetting, PUBLIC_URL_SETTING, putSetting, randomSecret } from '../db/settings.js';
import { createCalendarCache } from './calendar-cache.js';
import type { NotificationChannels } from './notifications.js';
import { createApp } from '../server/app.js';
import { createWebMetrics } from './metrics.js';
import type { AppDeps } from '../server/deps.js';
import { ReviewClient } from '../server/review-client.js';
import { FileStore } from '../files/store.js';
import { fieldCipherFor } from './field-key.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { clientConnectionOptions, type TemporalTarget } from './temporal.js';

export interface RunningWeb {
  url: string;
  port: number;
  deps: AppDeps;
  /** The app being served (its routes are what a route audit walks). */
  app: Express;
  stop(): Promise<void>;
}


/** Starts the back office and tenant API on config.web.port (0 picks a free port). */
export async function startWeb(
  config: Config,
  databaseUrl: string,
  temporal: TemporalTarget,
  log: Logger,
  opts: { channels?: Pick<NotificationChannels, 'sms' | 'dev'>; /** The SDK metrics of a worker in this same process, appended to /metrics. */ sdkMetricsAddress?: string } = {},
): Promise<RunningWeb> {
  const database = connectDatabase(databaseUrl);
  const connection = await Connection.connect(clientConnectionOptions(temporal, 'answering') as Parameters<typeof Connection.connect>[0]);
  const client = new Client({ connection, namespace: temporal.namespace });
  const files = new FileStore(config.filesDir);
  await files.init();
  const deps: AppDeps = {
    files,
    cipher: await fieldCipherFor(config),
    claimIdleMinutes: config.claimIdleMinutes,
    db: database.db,
    reviews: new ReviewClient(client, config.temporal.taskQueue),
    calendar: createCalendarCache(database.db),
    log,
    now: () => new Date(),
    notifications: opts.channels ? { smsCallback: { appKey: opts.channels.sms.appKey, appSecret: opts.channels.sms.appSecret }, dev: opts.channels.dev } : undefined,
    health: async () => {
      const [postgres, temporalUp] = await Promise.all([
        withTimeout(pingDatabase(database.sql), 2000).then(() => true, () => false),
        withTimeout(connection.healthService.check({}), 2000).then(() => true, () => false),
      ]);
      return { postgres, temporal: temporalUp };
    },
  };
  const cookieSecret = config.web.sessionSecret ?? (await getOrCreateSetting(database.db, 'cookie_secret', randomSecret));
  const metrics = createWebMetrics(database.db, log, { temporalAddress: opts.sdkMetricsAddress });
  const app = createApp(deps, {
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
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.web.port;
  const url = config.web.publicUrl ?? `http://${config.web.host === '0.0.0.0' ? '127.0.0.1' : config.web.host}:${port}`;
  await putSetting(database.db, PUBLIC_URL_SETTING, url);
  return {
    url,
    port,
    deps,
    app,
    stop: async () => {
      await drain(server, DRAIN_MS);
      await connection.close();
      await database.close();
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
