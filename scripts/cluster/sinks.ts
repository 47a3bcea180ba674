/**
 * Mail and SMS for the cluster: the real services when SMTP_URL / SMS_GATEWAY_URL (+ key and
 * secret) are set, otherwise the project's local SMTP catcher and SMS gateway, run here so every
 * worker sends to the same place. What the local ones receive is appended to logs/notices.log
 * (one JSON line per message: channel, recipient, subject or gateway id, Message-ID), because the
 * back office's /dev pages only show sinks living in the same process.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startDevMailbox } from '../../notifications/dev-mailbox.js';
import { startDevSmsGateway } from '../../notifications/dev-sms-gateway.js';

export interface Sinks {
  /** Environment for the worker and web processes. */
  env: Record<string, string>;
  /** One line per sink for the start-up summary. */
  describe: string[];
  stop(): Promise<void>;
}

export async function startSinks(opts: { env: NodeJS.ProcessEnv; logDir: string; callbackUrl: string }): Promise<Sinks> {
  const env: Record<string, string> = { SMS_CALLBACK_URL: opts.callbackUrl };
  const describe: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  fs.mkdirSync(opts.logDir, { recursive: true });
  const noticesLog = path.join(opts.logDir, 'notices.log');
  const record = (entry: Record<string, unknown>): void => fs.appendFileSync(noticesLog, `${JSON.stringify(entry)}\n`, { mode: 0o600 });

  if (opts.env.SMTP_URL) {
    env.SMTP_URL = opts.env.SMTP_URL;
    describe.push('mail: SMTP_URL');
  } else {
    const mailbox = await startDevMailbox();
    mailbox.onMessage((m) => record({ channel: 'email', at: m.receivedAt.toISOString(), to: m.to, subject: m.subject, messageId: m.messageId }));
    env.SMTP_URL = mailbox.url;
    describe.push(`mail: local SMTP catcher ${mailbox.url} (messages listed in ${noticesLog})`);
    stops.push(mailbox.stop);
  }

  if (opts.env.SMS_GATEWAY_URL && opts.env.SMS_APP_KEY && opts.env.SMS_APP_SECRET) {
    Object.assign(env, { SMS_GATEWAY_URL: opts.env.SMS_GATEWAY_URL, SMS_APP_KEY: opts.env.SMS_APP_KEY, SMS_APP_SECRET: opts.env.SMS_APP_SECRET });
    describe.push('sms: SMS_GATEWAY_URL');
  } else {
    const appKey = `cluster-${randomBytes(6).toString('hex')}`;
    const appSecret = randomBytes(24).toString('base64url');
    const gateway = await startDevSmsGateway({ appKey, appSecret, autoDeliver: { afterMs: 1500 } });
    Object.assign(env, { SMS_GATEWAY_URL: gateway.url, SMS_APP_KEY: appKey, SMS_APP_SECRET: appSecret });
    describe.push(`sms: local gateway ${gateway.url} (delivery reports go to ${opts.callbackUrl})`);
    // The gateway keeps messages in memory; copy new ones to the log as they arrive.
    let seen = new Set<string>();
    const timer = setInterval(() => {
      const current = gateway.messages();
      for (const m of current) {
        if (!seen.has(m.smsMsgId)) record({ channel: 'sms', at: m.receivedAt.toISOString(), to: m.to, smsMsgId: m.smsMsgId, extend: m.extend, status: m.status });
      }
      seen = new Set(current.map((m) => m.smsMsgId));
    }, 1000);
    timer.unref();
    stops.push(async () => {
      clearInterval(timer);
      await gateway.stop();
    });
  }
  return {
    env,
    describe,
    stop: async () => {
      for (const stop of stops) await stop().catch(() => undefined);
    },
  };
}
