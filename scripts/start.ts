import { loadConfig, ConfigError, type Config } from '../runtime/config.js';
import { createLifecycle, shutDownOnSignals, shutDownWhenOrphaned } from '../runtime/lifecycle.js';
import { createLogger } from '../runtime/logger.js';
import { startPlatform } from '../runtime/platform.js';
import { startWeb } from '../runtime/web.js';
import { startWorker } from '../runtime/worker.js';
import { createSenders, startNotificationChannels } from '../runtime/notifications.js';
import { connectDatabase } from '../db/client.js';
import { bootstrap } from './bootstrap.js';
import { freePort } from './temporal/net.js';
import { loadDemoData } from './demo-data.js';

/**
 * `npm start`: everything on one machine with nothing else running: embedded PostgreSQL
 * and Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS say otherwise, then the
 * worker and the web server, demo data on first start.
 *
 * SIGTERM or SIGINT, to this process or to npm, stops everything in order: the web server
 * (no new connections, requests in progress finish), the worker (drained), the mail and SMS
 * stand-ins, Temporal, PostgreSQL. So does an embedded service or the worker dying.
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
const lifecycle = createLifecycle({ phases: SHUTDOWN_ORDER, log });
shutDownOnSignals(lifecycle);
if (process.env.npm_lifecycle_event) shutDownWhenOrphaned(lifecycle);

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
  // The worker's SDK metrics on a free loopback port, so this process's /metrics shows them too.
  const sdkMetricsAddress = config.metrics.temporalAddress ?? `127.0.0.1:${await freePort()}`;
  const web = await startWeb(config, platform.appDatabaseUrl, platform.temporal, log, { channels, sdkMetricsAddress });
  lifecycle.onStop('web', 'web server', web.stop);
  const senders = createSenders(config, channels, `${web.url}/callbacks/sms-status`);
  lifecycle.onStop('notifications', 'mail and SMS senders', async () => senders.close());
  const worker = await startWorker({ ...config, metrics: { ...config.metrics, temporalAddress: sdkMetricsAddress } }, platform.appDatabaseUrl, platform.temporal, log, { senders });
  lifecycle.onStop('worker', 'worker', worker.stop);
  worker.done.catch((err: unknown) => {
    if (lifecycle.stopping) return;
    log.fatal({ err }, 'worker crashed');
    void lifecycle.shutdown('worker crashed', 1);
  });
  if (lifecycle.stopping) return;

  const lines = [`Voice Review Desk is running at ${web.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`];
  if (config.bootstrap.demoData) {
    const demo = await loadDemoData(web.deps, config.dataDir, web.url);
    lines.push('Demo logins (also in DATA_DIR/demo-logins.json):');
    for (const s of demo.staff) lines.push(`  ${s.role.padEnd(10)} ${s.email.padEnd(24)} ${s.password}`);
    lines.push(`Demo tenant API key: ${demo.apiKey}`);
    lines.push(`Try: curl -s -X POST ${web.url}/api/v1/voice-templates -H "Authorization: Bearer ${demo.apiKey}" -H 'Content-Type: application/json' -d '{"name":"pickup","speed":"normal","speaker":"xiaoyan_female","content":"请于\${DATE}前取件","scenario":"parcel"}'`);
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
