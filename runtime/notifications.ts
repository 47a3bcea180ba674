import { randomBytes } from 'node:crypto';
import type { Senders } from '../activities/delivery.js';
import { startDevMailbox, type DevMailbox } from '../notifications/dev-mailbox.js';
import { startDevSmsGateway, type DevSmsGateway } from '../notifications/dev-sms-gateway.js';
import { createEmailTransport } from '../notifications/email.js';
import { createSmsGateway } from '../notifications/sms.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** Where mail and SMS go: the configured SMTP server and gateway, or local sinks the back office shows. */
export interface NotificationChannels {
  smtpUrl: string;
  sms: { url: string; appKey: string; appSecret: string; sender: string; templateId: string };
  /** Present when the local sinks stand in for the real services (npm start without SMTP_URL / SMS_GATEWAY_URL). */
  dev: { mailbox?: DevMailbox; sms?: DevSmsGateway };
  stop(): Promise<void>;
}

export async function startNotificationChannels(config: Config, log: Logger): Promise<NotificationChannels> {
  const n = config.notifications;
  const dev: NotificationChannels['dev'] = {};
  let smtpUrl = n.smtpUrl;
  if (!smtpUrl) {
    dev.mailbox = await startDevMailbox();
    smtpUrl = dev.mailbox.url;
    log.info({ url: smtpUrl }, 'no SMTP_URL: mail goes to the local catcher shown at /dev/mailbox');
  }
  let sms = n.sms;
  if (!sms) {
    const appKey = `dev-${randomBytes(6).toString('hex')}`;
    const appSecret = randomBytes(24).toString('base64url');
    dev.sms = await startDevSmsGateway({ appKey, appSecret, autoDeliver: { afterMs: 1500 } });
    sms = { url: dev.sms.url, appKey, appSecret, sender: n.smsSender, templateId: n.smsTemplateId };
    log.info({ url: dev.sms.url }, 'no SMS_GATEWAY_URL: SMS goes to the local gateway shown at /dev/sms');
  }
  return {
    smtpUrl,
    sms,
    dev,
    stop: async () => {
      await dev.mailbox?.stop();
      await dev.sms?.stop();
    },
  };
}

/** Senders for the worker's delivery activity; the callback URL is where the gateway reports delivery. */
export function createSenders(config: Config, channels: Pick<NotificationChannels, 'smtpUrl' | 'sms'>, callbackUrl: string): Senders & { close(): void } {
  const email = createEmailTransport({ url: channels.smtpUrl, from: config.notifications.mailFrom });
  const gateway = createSmsGateway({ ...channels.sms, statusCallbackUrl: config.notifications.smsCallbackUrl ?? callbackUrl });
  return { email, sms: { gateway, templateId: channels.sms.templateId }, close: () => email.close() };
}

/** The environment that points a web or worker process of its own at these channels (npm start's children, the bench's worker). */
export function channelsEnv(channels: Pick<NotificationChannels, 'smtpUrl' | 'sms'>, callbackUrl: string): Record<string, string> {
  return { SMTP_URL: channels.smtpUrl, SMS_GATEWAY_URL: channels.sms.url, SMS_APP_KEY: channels.sms.appKey, SMS_APP_SECRET: channels.sms.appSecret, SMS_CALLBACK_URL: callbackUrl };
}
