import path from 'node:path';
import { z } from 'zod';
import { API_KEY_ADDRESS_POLICY } from '../domain/auth-throttle.js';

/**
 * The one typed configuration of every process (web, worker, start). It is read from the
 * environment once, validated, and passed down; nothing else reads process.env.
 */
const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  FILES_DIR: z.string().min(1).optional(),
  FIELD_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/_-]{43}=?$/, 'must be 32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_APP_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .describe('the restricted role web and worker connect as; DATABASE_URL stays the owner that migrates'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('voice-review-desk'),
  WORKER_CACHED_WORKFLOWS: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(1000)
    .describe('workflows a worker keeps in memory between their tasks; the others are replayed from history when they wake'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  COOKIE_SECURE: z
    .enum(['auto', 'true', 'false'])
    .default('auto')
    .describe('auto: secure cookies when PUBLIC_URL is https'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLAIM_IDLE_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(30),
  PRESENCE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(12),
  API_KEY_GUESSES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(API_KEY_ADDRESS_POLICY.maxFailures),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TEMPORAL_METRICS_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional(),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  BOOTSTRAP_TENANT_NAME: z.string().min(1).max(128).optional(),
  BOOTSTRAP_TENANT_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  DEMO_DATA: z.enum(['true', 'false']).default('true'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Voice Review Desk <noreply@voice-review-desk.local>'),
  SMS_GATEWAY_URL: z.url().optional(),
  SMS_APP_KEY: z.string().min(1).optional(),
  SMS_APP_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  SMS_SENDER: z.string().min(1).default('csms12345678'),
  SMS_TEMPLATE_ID: z.string().min(1).default('vrd-generic-notice'),
  SMS_CALLBACK_URL: z.url().optional(),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  web: { port: number; host: string; publicUrl: string | undefined; cookieSecure: boolean; sessionSecret: string | undefined };
  dataDir: string;
  /** Uploaded files live here, outside any static folder. */
  filesDir: string;
  /** 32 bytes sealing ID numbers at rest; without it `npm start` keeps one in DATA_DIR/field-key. */
  fieldKey: Buffer | undefined;
  databaseUrl: string | undefined;
  /** The operator's own application role; unset, one is created (db/app-role.ts). */
  databaseAppUrl: string | undefined;
  temporal: { address: string | undefined; namespace: string; taskQueue: string; maxCachedWorkflows: number };
  logLevel: Env['LOG_LEVEL'];
  /** A claim nobody renews lapses after this many minutes (0: never). */
  claimIdleMinutes: number;
  /** How often an open review page says who has it open; someone is shown as present for two and a half beats. */
  presenceHeartbeatSeconds: number;
  /** Unknown API keys one address may send in the throttle's window before it is answered 429. */
  apiKeyGuessesPerAddress: number;
  /** How often the worker's sweeper runs; a round left unstarted this long is started by it. */
  sweepIntervalMs: number;
  metrics: {
    /** Bearer token a scraper sends to /metrics; without one only loopback callers are answered. */
    token: string | undefined;
    /** Where the worker's Temporal SDK serves its own Prometheus metrics (task latencies, slots, pollers). */
    temporalAddress: string | undefined;
  };
  notifications: {
    smtpUrl: string | undefined;
    mailFrom: string;
    sms: { url: string; appKey: string; appSecret: string; sender: string; templateId: string } | undefined;
    smsSender: string;
    smsTemplateId: string;
    smsCallbackUrl: string | undefined;
  };
  bootstrap: {
    adminEmail: string | undefined;
    adminPassword: string | undefined;
    tenantName: string | undefined;
    tenantApiKey: string | undefined;
    demoData: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if ((e.BOOTSTRAP_TENANT_NAME === undefined) !== (e.BOOTSTRAP_TENANT_API_KEY === undefined)) {
    problems.push('BOOTSTRAP_TENANT_NAME and BOOTSTRAP_TENANT_API_KEY must be set together');
  }
  const smsSet = [e.SMS_GATEWAY_URL, e.SMS_APP_KEY, e.SMS_APP_SECRET].filter((v) => v !== undefined).length;
  if (smsSet !== 0 && smsSet !== 3) problems.push('SMS_GATEWAY_URL, SMS_APP_KEY and SMS_APP_SECRET must be set together');
  if (e.DATABASE_APP_URL !== undefined && e.DATABASE_URL === undefined) {
    problems.push('DATABASE_APP_URL needs DATABASE_URL (the embedded PostgreSQL makes its own application role)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const cookieSecure = e.COOKIE_SECURE === 'auto' ? (e.PUBLIC_URL?.startsWith('https:') ?? false) : e.COOKIE_SECURE === 'true';
  return {
    env: e.NODE_ENV,
    web: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL, cookieSecure, sessionSecret: e.SESSION_SECRET },
    dataDir: path.resolve(e.DATA_DIR),
    filesDir: path.resolve(e.FILES_DIR ?? path.join(e.DATA_DIR, 'files')),
    fieldKey: e.FIELD_ENCRYPTION_KEY ? Buffer.from(e.FIELD_ENCRYPTION_KEY, 'base64') : undefined,
    databaseUrl: e.DATABASE_URL,
    databaseAppUrl: e.DATABASE_APP_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE, maxCachedWorkflows: e.WORKER_CACHED_WORKFLOWS },
    logLevel: e.LOG_LEVEL,
    claimIdleMinutes: e.CLAIM_IDLE_MINUTES,
    presenceHeartbeatSeconds: e.PRESENCE_HEARTBEAT_SECONDS,
    apiKeyGuessesPerAddress: e.API_KEY_GUESSES_PER_ADDRESS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    metrics: { token: e.METRICS_TOKEN, temporalAddress: e.TEMPORAL_METRICS_ADDRESS },
    notifications: {
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      sms:
        e.SMS_GATEWAY_URL && e.SMS_APP_KEY && e.SMS_APP_SECRET
          ? { url: e.SMS_GATEWAY_URL, appKey: e.SMS_APP_KEY, appSecret: e.SMS_APP_SECRET, sender: e.SMS_SENDER, templateId: e.SMS_TEMPLATE_ID }
          : undefined,
      smsSender: e.SMS_SENDER,
      smsTemplateId: e.SMS_TEMPLATE_ID,
      smsCallbackUrl: e.SMS_CALLBACK_URL,
    },
    bootstrap: {
      adminEmail: e.ADMIN_EMAIL,
      adminPassword: e.ADMIN_PASSWORD,
      tenantName: e.BOOTSTRAP_TENANT_NAME,
      tenantApiKey: e.BOOTSTRAP_TENANT_API_KEY,
      demoData: e.DEMO_DATA === 'true',
    },
  };
}
