import { loadConfig, ConfigError } from '../runtime/config.js';
import { prepareDatabase } from '../db/migrate.js';
import { createLifecycle, shutDownOnSignals } from '../runtime/lifecycle.js';
import { createLogger } from '../runtime/logger.js';
import { temporalTarget } from '../runtime/temporal.js';
import { startWeb } from '../runtime/web.js';

/** `npm run web`: one stateless web process against DATABASE_URL and TEMPORAL_ADDRESS. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporal.address) {
    throw new ConfigError(['npm run web needs DATABASE_URL and TEMPORAL_ADDRESS (use npm start for embedded services)']);
  }
  if (!config.fieldKey) {
    throw new ConfigError(['npm run web needs FIELD_ENCRYPTION_KEY, the same in every web process (openssl rand -base64 32)']);
  }
  const log = createLogger(config.logLevel, 'vrd-web');
  const { appUrl } = await prepareDatabase(config.databaseUrl, { appUrl: config.databaseAppUrl });
  const sms = config.notifications.sms;
  const web = await startWeb(config, appUrl, temporalTarget(process.env), log, sms ? { channels: { sms, dev: {} } } : {});
  log.info({ url: web.url }, 'web server listening');
  const lifecycle = createLifecycle({ phases: ['web'], log });
  lifecycle.onStop('web', 'web server', web.stop);
  shutDownOnSignals(lifecycle);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
