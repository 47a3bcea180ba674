import { loadConfig, ConfigError } from '../runtime/config.js';
import { prepareDatabase } from '../db/migrate.js';
import { createLifecycle, shutDownOnSignals } from '../runtime/lifecycle.js';
import { createLogger } from '../runtime/logger.js';
import { temporalTarget } from '../runtime/temporal.js';
import { startWorker } from '../runtime/worker.js';
import { createSenders } from '../runtime/notifications.js';

/** `npm run worker`: one stateless worker process against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporal.address) {
    throw new ConfigError(['npm run worker needs DATABASE_URL and TEMPORAL_ADDRESS (use npm start for embedded services)']);
  }
  const log = createLogger(config.logLevel, 'vrd-worker');
  const { appUrl } = await prepareDatabase(config.databaseUrl, { appUrl: config.databaseAppUrl });
  const n = config.notifications;
  const senders =
    n.smtpUrl && n.sms && n.smsCallbackUrl
      ? createSenders(config, { smtpUrl: n.smtpUrl, sms: n.sms }, n.smsCallbackUrl)
      : undefined;
  const worker = await startWorker(config, appUrl, temporalTarget(process.env), log, { senders });
  log.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  const lifecycle = createLifecycle({ phases: ['worker'], log });
  lifecycle.onStop('worker', 'worker', worker.stop);
  shutDownOnSignals(lifecycle);
  await worker.done;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
