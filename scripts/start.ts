import { loadConfig, ConfigError, type Config } from '../runtime/config.js';
import { fieldKeyFor } from '../runtime/field-key.js';
import { createLifecycle, exitOnUncaught, shutDownOnSignals, shutDownWhenOrphaned } from '../runtime/lifecycle.js';
import { createLogger } from '../runtime/logger.js';
import { startPlatform } from '../runtime/platform.js';
import { ProcessGroup } from '../runtime/supervisor.js';
import { openAppDeps } from '../runtime/web.js';
import { channelsEnv, startNotificationChannels } from '../runtime/notifications.js';
import { connectDatabase } from '../db/client.js';
import { bootstrap } from './bootstrap.js';
import { freePort } from './temporal/net.js';
import { loadDemoData } from './demo-data.js';
import { scriptCommand } from '../runtime/script-command.js';

/**
 * `npm start`: everything on one machine with nothing else running: embedded PostgreSQL and a
 * Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS say otherwise, the local mail and SMS
 * stand-ins, then the web server and the worker, each as a child process of its own under this
 * one's supervision (runtime/supervisor.ts): either can crash without the other, and whichever
 * ends is started again with backoff. Demo data on the first start.
 *
 * SIGTERM or SIGINT, to this process or to npm, stops everything in order: the web process (no new
 * connections, requests in progress finish), the worker (drained), the stand-ins, Temporal,
 * PostgreSQL. So does an embedded service dying, or a child that cannot be started at all.
 */
const SHUTDOWN_ORDER = ['web', 'worker', 'notifications', 'temporal', 'postgres'] as const;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(2);
  }
}

const config = readConfig();
const log = createLogger(config.logLevel, 'vrd');
exitOnUncaught(log);
const lifecycle = createLifecycle({ phases: SHUTDOWN_ORDER, log });
shutDownOnSignals(lifecycle);
if (process.env.npm_lifecycle_event) shutDownWhenOrphaned(lifecycle);

/** Settings `npm run web`/`worker` read that the supervisor sets for them; the operator's own are dropped. */
const SET_HERE = ['DATABASE_URL', 'DATABASE_APP_URL', 'VRD_DATABASE_PREPARED', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'PORT', 'HOST', 'SMTP_URL', 'SMS_GATEWAY_URL', 'SMS_APP_KEY', 'SMS_APP_SECRET', 'SMS_CALLBACK_URL', 'TEMPORAL_METRICS_ADDRESS', 'FIELD_ENCRYPTION_KEY'];

async function main(): Promise<void> {
  const started = Date.now();
  const platform = await startPlatform(config, process.env, log, {
    started: (service, stop) => lifecycle.onStop(service, service === 'postgres' ? 'PostgreSQL' : 'Temporal dev server', stop),
    died: (service, how) => {
      if (lifecycle.stopping) return;
      log.fatal({ service, how }, `${service === 'postgres' ? 'PostgreSQL' : 'the Temporal dev server'} exited on its own`);
      void lifecycle.shutdown(`${service} exited`, 1);
    },
  });
  if (lifecycle.stopping) return;

  const db = connectDatabase(platform.appDatabaseUrl, { max: 2 });
  try {
    await bootstrap(db.db, config, log);
  } finally {
    await db.close();
  }

  const channels = await startNotificationChannels(config, log);
  lifecycle.onStop('notifications', 'local mail and SMS stand-ins', channels.stop);
  // Fixed before the first start, so a restarted web process listens where the first one did.
  const port = config.web.port === 0 ? await freePort() : config.web.port;
  const url = config.web.publicUrl ?? `http://${config.web.host === '0.0.0.0' ? '127.0.0.1' : config.web.host}:${port}`;
  // The worker's SDK metrics on a free loopback port, appended to the web process's /metrics.
  const sdkMetricsAddress = config.metrics.temporalAddress ?? `127.0.0.1:${await freePort()}`;
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !SET_HERE.includes(k))) };
  Object.assign(env, {
    DATABASE_URL: platform.databaseUrl,
    DATABASE_APP_URL: platform.appDatabaseUrl,
    VRD_DATABASE_PREPARED: '1',
    TEMPORAL_ADDRESS: platform.temporal.address,
    TEMPORAL_NAMESPACE: platform.temporal.namespace,
    PORT: String(port),
    HOST: config.web.host,
    ...channelsEnv(channels, config.notifications.smsCallbackUrl ?? `${url}/callbacks/sms-status`),
    TEMPORAL_METRICS_ADDRESS: sdkMetricsAddress,
    FIELD_ENCRYPTION_KEY: (await fieldKeyFor(config)).toString('base64'),
    VRD_DEV_SINKS: [channels.dev.mailbox ? 'mailbox' : '', channels.dev.sms ? 'sms' : ''].filter(Boolean).join(','),
  });

  const group = new ProcessGroup();
  const child = (role: 'web' | 'worker') =>
    group.add({
      name: role,
      role,
      ...scriptCommand(role),
      env,
      log,
      // The children log as this process does (pino lines); they go out as they come.
      onLine: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
      answer: (what) => (what === 'mailbox' ? channels.dev.mailbox?.messages() : what === 'sms' ? channels.dev.sms?.messages() : undefined),
    });
  const web = child('web');
  lifecycle.onStop('web', 'web process', web.stop);
  const worker = child('worker');
  lifecycle.onStop('worker', 'worker process', worker.stop);
  for (const p of [web, worker]) {
    void p.gaveUp.then((how) => {
      if (!lifecycle.stopping) void lifecycle.shutdown(`the ${p.name} process could not be started (${how})`, 1);
    });
  }
  await Promise.all([web.ready, worker.ready]);
  if (lifecycle.stopping) return;

  const lines = [`Voice Review Desk is running at ${url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`];
  if (config.bootstrap.demoData) {
    // Through the same use-cases and tenant API as real traffic, with a connection of its own.
    const app = await openAppDeps(config, platform.appDatabaseUrl, platform.temporal, log);
    try {
      const demo = await loadDemoData(app.deps, config.dataDir, url);
      lines.push('Demo logins (also in DATA_DIR/demo-logins.json):');
      for (const s of demo.staff) lines.push(`  ${s.role.padEnd(10)} ${s.email.padEnd(24)} ${s.password}`);
      lines.push(`Demo tenant API key: ${demo.apiKey}`);
      lines.push(`Try: curl -s -X POST ${url}/api/v1/voice-templates -H "Authorization: Bearer ${demo.apiKey}" -H 'Content-Type: application/json' -d '{"name":"pickup","speed":"normal","speaker":"xiaoyan_female","content":"请于\${DATE}前取件","scenario":"parcel"}'`);
    } finally {
      await app.close();
    }
  }
  if (lifecycle.stopping) return;
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((err: unknown) => {
  // A start cut short by a shutdown fails on what the shutdown closed: that is no news.
  if (lifecycle.stopping) return;
  process.stderr.write(`start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  void lifecycle.shutdown('start failed', 1);
});
