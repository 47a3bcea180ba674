import { loadConfig, ConfigError } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { startPlatform } from '../runtime/platform.js';
import { startWeb } from '../runtime/web.js';
import { startWorker } from '../runtime/worker.js';
import { createSenders, startNotificationChannels } from '../runtime/notifications.js';
import { connectDatabase } from '../db/client.js';
import { bootstrap } from './bootstrap.js';
import { loadDemoData } from './demo-data.js';

/**
 * `npm start`: everything on one machine with nothing else running: embedded PostgreSQL
 * and Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS say otherwise, then the
 * worker and the web server, demo data on first start.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'vrd');
  const platform = await startPlatform(config, process.env, log);
  let stopping = false;
  const stoppers: (() => Promise<void>)[] = [platform.stop];
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const stop of stoppers.reverse()) await stop().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  const db = connectDatabase(platform.appDatabaseUrl, { max: 2 });
  await bootstrap(db.db, config, log);
  await db.close();

  const channels = await startNotificationChannels(config, log);
  stoppers.push(channels.stop);
  const web = await startWeb(config, platform.appDatabaseUrl, platform.temporal, log, { channels });
  stoppers.push(web.stop);
  const senders = createSenders(config, channels, `${web.url}/callbacks/sms-status`);
  stoppers.push(async () => senders.close());
  const worker = await startWorker(config, platform.appDatabaseUrl, platform.temporal, log, { senders });
  stoppers.push(worker.stop);
  worker.done.catch((err: unknown) => {
    log.fatal({ err }, 'worker crashed');
    void shutdown('worker-crash');
  });

  const lines = [`Voice Review Desk is running at ${web.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`];
  if (config.bootstrap.demoData) {
    const demo = await loadDemoData(web.deps, config.dataDir);
    lines.push('Demo logins (also in DATA_DIR/demo-logins.json):');
    for (const s of demo.staff) lines.push(`  ${s.role.padEnd(10)} ${s.email.padEnd(24)} ${s.password}`);
    lines.push(`Demo tenant API key: ${demo.apiKey}`);
    lines.push(`Try: curl -s -X POST ${web.url}/api/v1/voice-templates -H "Authorization: Bearer ${demo.apiKey}" -H 'Content-Type: application/json' -d '{"name":"pickup","speed":"normal","speaker":"xiaoyan_female","content":"请于\${DATE}前取件","scenario":"parcel"}'`);
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
