import { loadConfig, ConfigError } from '../runtime/config.js';
import { prepareDatabase } from '../db/migrate.js';
import { createLifecycle, exitOnUncaught, shutDownOnSignals } from '../runtime/lifecycle.js';
import { createLogger } from '../runtime/logger.js';
import { supervision } from '../runtime/supervised.js';
import { temporalTarget } from '../runtime/temporal.js';
import { startWeb, type WebOptions } from '../runtime/web.js';
import type { MailboxMessage } from '../notifications/dev-mailbox.js';
import type { SmsGatewayMessage } from '../notifications/dev-sms-gateway.js';

/**
 * `npm run web`: one stateless web process against DATABASE_URL and TEMPORAL_ADDRESS. Under a
 * supervisor (`npm start`, `npm run cluster`) it also says when it serves, shows its fellow
 * processes in /healthz and /metrics, reads the local mail and SMS stand-ins the supervisor runs
 * (VRD_DEV_SINKS), and stops when its supervisor is gone.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporal.address) {
    throw new ConfigError(['npm run web needs DATABASE_URL and TEMPORAL_ADDRESS (use npm start for embedded services)']);
  }
  if (!config.fieldKey) {
    throw new ConfigError(['npm run web needs FIELD_ENCRYPTION_KEY, the same in every web process (openssl rand -base64 32)']);
  }
  const log = createLogger(config.logLevel, 'vrd-web');
  exitOnUncaught(log);
  const supervisor = supervision();
  // A supervisor that has just migrated says so (VRD_DATABASE_PREPARED): a restart then skips it.
  const appUrl = process.env.VRD_DATABASE_PREPARED === '1' && config.databaseAppUrl ? config.databaseAppUrl : (await prepareDatabase(config.databaseUrl, { appUrl: config.databaseAppUrl })).appUrl;
  const sms = config.notifications.sms;
  const sinks = (process.env.VRD_DEV_SINKS ?? '').split(',');
  const dev: NonNullable<WebOptions['channels']>['dev'] = {};
  if (supervisor && sinks.includes('mailbox')) dev.mailbox = { messages: () => supervisor.ask<MailboxMessage[]>('mailbox') };
  if (supervisor && sinks.includes('sms')) dev.sms = { messages: () => supervisor.ask<SmsGatewayMessage[]>('sms') };
  const web = await startWeb(config, appUrl, temporalTarget(process.env), log, {
    ...(sms ? { channels: { sms, dev } } : {}),
    sdkMetricsAddress: config.metrics.temporalAddress,
    processes: supervisor?.processes,
  });
  log.info({ url: web.url }, 'web server listening');
  const lifecycle = createLifecycle({ phases: ['web'], log });
  lifecycle.onStop('web', 'web server', web.stop);
  shutDownOnSignals(lifecycle);
  supervisor?.onGone(() => void lifecycle.shutdown('its supervisor is gone'));
  supervisor?.ready();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
