import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import * as argon2 from '@node-rs/argon2';
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../db/client.js';
import { prepareDatabase } from '../../db/migrate.js';
import { contacts } from '../../db/schema.js';
import { createStaff, type StaffMember } from '../../db/staff.js';
import { ensureTenantWithKey, type TenantRow } from '../../db/tenants.js';
import type { Role } from '../../domain/review.js';
import { loadConfig } from '../../runtime/config.js';
import { createLogger } from '../../runtime/logger.js';
import { temporalTarget } from '../../runtime/temporal.js';
import { startWeb, type RunningWeb } from '../../runtime/web.js';
import { startWorker, type RunningWorker } from '../../runtime/worker.js';
import { createSenders, startNotificationChannels, type NotificationChannels } from '../../runtime/notifications.js';
import { cachedWorkflowBundle } from '../../runtime/workflow-bundle.js';

let bundle: Promise<{ code: string }> | undefined;
/**
 * Bundling costs seconds of CPU, and every test file starts its own app: the bundle is made once per
 * version of the source and kept under its digest (the same cache the worker uses), so a run bundles once.
 */
export const workflowBundle = () => (bundle ??= cachedWorkflowBundle(path.join(os.tmpdir(), 'vrd-test-workflow-bundle'), [], createLogger('warn', 'test-bundle')));

export interface TestTenant {
  tenant: TenantRow;
  apiKey: string;
}

export interface TestApp {
  url: string;
  web: RunningWeb;
  worker: RunningWorker;
  /** The test's own connection, as the owner of the tables (fixtures, inspection). */
  database: Database;
  /** The owner's URL (what `npm run web`/`worker` get as DATABASE_URL). */
  databaseUrl: string;
  /** The restricted application role's URL, which the app's web and worker connect with. */
  appDatabaseUrl: string;
  taskQueue: string;
  startWorker(): Promise<RunningWorker>;
  /** Another web process on the same database, queue and channels (e.g. a second copy, or the app after a restart); the caller stops it. */
  startAnotherWeb(): Promise<RunningWeb>;
  channels: NotificationChannels | undefined;
  addTenant(name?: string): Promise<TestTenant>;
  addStaff(role: Role, password?: string): Promise<StaffMember & { password: string }>;
  /** Every log line the app wrote, when started with captureLogs. */
  logLines: string[];
  /** Every statement the web process sent to PostgreSQL, in order, when started with recordWebStatements. */
  webStatements: string[];
  api(tenant: TestTenant, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/**
 * Starts the real app on port 0 against a fresh database on the shared PostgreSQL server
 * and a unique task queue on the shared Temporal dev server.
 */
export interface TestAppOptions {
  notifications?: boolean;
  captureLogs?: boolean;
  temporalMetricsAddress?: string;
  /** Another PostgreSQL server than the run's shared one (a test that stops and starts it). */
  postgresAdminUrl?: string;
  /** Another Temporal server than the run's shared one (a test that stops and starts it). */
  temporal?: { address: string; namespace: string };
  /** Where uploads go (default a folder under /tmp), e.g. a small filesystem to fill. */
  filesDir?: string;
  /** More configuration, as environment variables (e.g. SWEEP_INTERVAL_MS). */
  env?: Record<string, string>;
  /** Keep the text of every statement the web process sends (in webStatements), to count what a request reads. */
  recordWebStatements?: boolean;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const suffix = randomBytes(5).toString('hex');
  const dbName = `t_${suffix}`;
  const adminUrl = opts.postgresAdminUrl ?? inject('postgresAdminUrl');
  // On the suite's own server, a copy of its migrated template; prepareDatabase below then finds nothing to do.
  const template = opts.postgresAdminUrl ? undefined : inject('postgresTemplate');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${dbName}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const { appUrl } = await prepareDatabase(databaseUrl);

  const taskQueue = `test-${suffix}`;
  const config = loadConfig({ PORT: '0', DATA_DIR: '/tmp/vrd-unused', TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'silent', TEMPORAL_METRICS_ADDRESS: opts.temporalMetricsAddress, FILES_DIR: opts.filesDir, ...opts.env });
  // Captured logs are read by tests that check what never reaches a log line (ID numbers, keys).
  const logLines: string[] = [];
  const log = opts.captureLogs
    ? createLogger('debug', 'test', { write: (line: string) => void logLines.push(line) })
    : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test');
  const temporal = temporalTarget({}, opts.temporal ?? { address: inject('temporalAddress'), namespace: inject('temporalNamespace') });
  const database = connectDatabase(databaseUrl, { max: 4 });
  // Real local SMTP and SMS sinks, only for suites about sending (others assert rows stay queued).
  const channels = opts.notifications ? await startNotificationChannels(config, log) : undefined;
  const webStatements: string[] = [];
  const onStatement = opts.recordWebStatements ? (text: string) => void webStatements.push(text) : undefined;
  const web = await startWeb(config, appUrl, temporal, log, { channels, sdkMetricsAddress: opts.temporalMetricsAddress, onStatement });
  const senders = channels ? createSenders(config, channels, `${web.url}/callbacks/sms-status`) : undefined;
  const launchWorker = async () => startWorker(config, appUrl, temporal, log, { workflowBundle: await workflowBundle(), senders });
  let worker = await launchWorker();

  const app: TestApp = {
    url: web.url,
    web,
    get worker() {
      return worker;
    },
    database,
    databaseUrl,
    appDatabaseUrl: appUrl,
    taskQueue,
    async startWorker() {
      worker = await launchWorker();
      return worker;
    },
    startAnotherWeb: () => startWeb(config, appUrl, temporal, log, { channels }),
    async addTenant(name = `tenant-${randomBytes(4).toString('hex')}`) {
      const apiKey = `vrd_test_${randomBytes(18).toString('base64url')}`;
      const tenant = await ensureTenantWithKey(database.db, name, apiKey);
      return { tenant, apiKey };
    },
    async addStaff(role, password = `pw-${randomBytes(8).toString('hex')}`) {
      const email = `${role}-${randomBytes(4).toString('hex')}@test.local`;
      const member = await createStaff(database.db, { email, name: `${role} ${email.slice(role.length + 1, role.length + 5)}`, role, passwordHash: await argon2.hash(password) });
      return { ...member, password };
    },
    async api(t, method, path, body, headers = {}) {
      const res = await fetch(`${web.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${t.apiKey}`, ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : body instanceof FormData || typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    channels,
    logLines,
    webStatements,
    async stop() {
      await web.stop();
      await worker.stop();
      senders?.close();
      await channels?.stop();
      await database.close();
    },
  };
  return app;
}

export async function addContact(app: TestApp, tenantId: string, c: { name: string; email: string; mobile: string; language?: 'zh-CN' | 'en'; subscriptions: string[] }) {
  await app.database.db.insert(contacts).values({ tenantId, language: 'zh-CN', ...c });
}

export const validTemplate = (over: Record<string, unknown> = {}) => ({
  name: '快递通知',
  speed: 'normal',
  speaker: 'xiaoyan_female',
  content: '请于${DATE}, ${TIME}前到${TXT_8}领取您的快递',
  scenario: '快递到达通知',
  ...over,
});

/** Submits a valid template under this name as the tenant and answers its review's id. */
export async function submitTemplate(app: TestApp, t: TestTenant, name: string): Promise<string> {
  const res = await app.api(t, 'POST', '/voice-templates', validTemplate({ name }));
  if (res.status !== 201) throw new Error(`template "${name}" answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/**
 * Two tenants' templates submitted turn about: a view of the first tenant's has the other's
 * between its rows everywhere else, so leaving the view shows. Answers the first tenant's ids in
 * the order they were submitted.
 */
export async function interleavedTemplates(app: TestApp, inView: TestTenant, outside: TestTenant, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    ids.push(await submitTemplate(app, inView, `视图内模板${i}`));
    await submitTemplate(app, outside, `视图外模板${i}`);
  }
  return ids;
}
