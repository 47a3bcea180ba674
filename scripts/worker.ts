import { loadConfig, ConfigError } from '../runtime/config.js';
import { prepareDatabase } from '../db/migrate.js';
import { createLifecycle, exitOnUncaught, shutDownOnSignals } from '../runtime/lifecycle.js';
import { createLogger } from '../runtime/logger.js';
import { supervision } from '../runtime/supervised.js';
import { temporalTarget } from '../runtime/temporal.js';
import { startWorker } from '../runtime/worker.js';
import { createSenders } from '../runtime/notifications.js';

/**
 * `npm run worker`: one stateless worker process against DATABASE_URL and TEMPORAL_ADDRESS. Under
 * a supervisor it also says when it runs and stops when its supervisor is gone.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporal.address) {
    throw new ConfigError(['npm run worker needs DATABASE_URL and TEMPORAL_ADDRESS (use npm start for embedded services)']);
  }
  const log = createLogger(config.logLevel, 'vrd-worker');
  exitOnUncaught(log);
  const supervisor = supervision();
  // A supervisor that has just migrated says so (VRD_DATABASE_PREPARED): a restart then skips it.
  const appUrl = process.env.VRD_DATABASE_PREPARED === '1' && config.databaseAppUrl ? config.databaseAppUrl : (await prepareDatabase(config.databaseUrl, { appUrl: config.databaseAppUrl })).appUrl;
  const n = config.notifications;
  const senders =
    n.smtpUrl && n.sms && n.smsCallbackUrl
      ? createSenders(config, { smtpUrl: n.smtpUrl, sms: n.sms }, n.smsCallbackUrl)
      : undefined;
  const worker = await startWorker(config, appUrl, temporalTarget(process.env), log, { senders });
  log.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  const lifecycle = createLifecycle({ phases: ['worker'], log });
  // The senders close once the worker has drained: its last deliveries still go out.
  lifecycle.onStop('worker', 'worker', async () => {
    await worker.stop();
    senders?.close();
  });
  shutDownOnSignals(lifecycle);
  supervisor?.onGone(() => void lifecycle.shutdown('its supervisor is gone'));
  supervisor?.ready();
  await worker.done;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
