/**
 * What every benchmark runs on: embedded PostgreSQL (with pg_stat_statements when the binaries
 * carry it) and the Temporal dev server (SQLite, WAL, as `npm start` runs it, with its /metrics
 * served), migrated as the app migrates, in a temporary folder; then web and worker as `npm start`
 * runs them (the web server in this process, the worker in a process of its own; BENCH_WORKER=in-process
 * puts both in this one, as the bench ran before), with the local SMTP server and SMS gateway here,
 * where `npm start` keeps them in its supervisor.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { connectDatabase, type Database } from '../../db/client.js';
import { prepareDatabase } from '../../db/migrate.js';
import { contacts } from '../../db/schema.js';
import { createStaff } from '../../db/staff.js';
import { ensureTenantWithKey, type TenantRow } from '../../db/tenants.js';
import * as argon2 from '@node-rs/argon2';
import { loadConfig, type Config } from '../../runtime/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../runtime/embedded-postgres.js';
import { createLogger, type Logger } from '../../runtime/logger.js';
import { channelsEnv, createSenders, startNotificationChannels, type NotificationChannels } from '../../runtime/notifications.js';
import { temporalTarget, type TemporalTarget } from '../../runtime/temporal.js';
import { installTemporalRuntime } from '../../runtime/temporal-runtime.js';
import { startWeb, type RunningWeb } from '../../runtime/web.js';
import { startWorker } from '../../runtime/worker.js';
import { startDevServer, type DevServer } from '../../scripts/temporal/dev-server.js';
import { freePort } from '../../runtime/embedded-postgres.js';
import { workflowTasksDone } from './measure.js';
import { spawnWorkerProcess } from './worker-process.js';

export interface Stack {
  dir: string;
  pg: EmbeddedDatabase;
  dev: DevServer;
  /** The owner's URL (seeding, statistics); the app connects as its restricted role. */
  databaseUrl: string;
  appDatabaseUrl: string;
  temporal: TemporalTarget;
  /** An owner connection for the benchmarks' own reads and seeding. */
  db: Database;
  client: Client;
  /** pg_stat_statements is loaded and created. */
  statements: boolean;
  /** Where this process's Temporal SDK (every worker in it) serves its metrics. */
  sdkMetricsAddress: string;
  log: Logger;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', 'bench');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-bench-'));
  await fs.chmod(dir, 0o755);
  const stops: (() => Promise<unknown>)[] = [() => fs.rm(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err: unknown) => log.warn({ err }, 'bench: stopping failed'));
  };
  try {
    // Before any worker or native connection: the SDK's log lines at WARN, its metrics served.
    const sdkMetricsAddress = `127.0.0.1:${await freePort()}`;
    installTemporalRuntime(log, sdkMetricsAddress);
    const statementsLib = await hasStatementsLibrary();
    const pg = await startEmbeddedPostgres({
      dir: path.join(dir, 'postgres'),
      database: 'voice_review_desk',
      log,
      settings: statementsLib ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {},
    });
    stops.push(pg.stop);
    const { appUrl } = await prepareDatabase(pg.url);
    const db = connectDatabase(pg.url, { max: 4 });
    stops.push(db.close);
    let statements = false;
    if (statementsLib) {
      await db.sql`create extension if not exists pg_stat_statements`;
      statements = true;
    }
    const dev = await startDevServer({ dbFile: path.join(dir, 'temporal.sqlite'), log: () => undefined });
    stops.push(dev.stop);
    const temporal = temporalTarget({}, { address: dev.address, namespace: dev.namespace });
    const connection = await Connection.connect({ address: dev.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: dev.namespace });
    return { dir, pg, dev, databaseUrl: pg.url, appDatabaseUrl: appUrl, temporal, db, client, statements, sdkMetricsAddress, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The embedded binaries ship pg_stat_statements as a loadable library (checked, not assumed). */
async function hasStatementsLibrary(): Promise<boolean> {
  try {
    const mod = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
    const lib = path.join(path.dirname(path.dirname(mod.postgres)), 'lib', 'postgresql', 'pg_stat_statements.so');
    await fs.access(lib);
    return true;
  } catch {
    return false;
  }
}

/** The app's worker, wherever it runs. */
export interface AppWorker {
  /** Its process when it runs in one of its own; undefined when it shares this one. */
  pid: number | undefined;
  /** Where its Temporal SDK serves its metrics. */
  metricsAddress: string;
  /** Workflow tasks it has run on the app's queue (a submission's round parked once its first task ran). */
  tasksDone(): Promise<number>;
  stop(): Promise<void>;
}

export interface App {
  config: Config;
  web: RunningWeb;
  worker: AppWorker;
  channels: NotificationChannels;
  /** A tenant with one contact subscribed to every kind by e-mail and SMS. */
  tenant: TenantRow;
  apiKey: string;
  reviewer: { email: string; password: string; id: string; name: string };
  stop(): Promise<void>;
}

/** BENCH_WORKER: where the app's worker runs. */
function workerInItsOwnProcess(): boolean {
  const v = process.env.BENCH_WORKER ?? 'process';
  if (v !== 'process' && v !== 'in-process') throw new Error(`BENCH_WORKER=${v} is not process or in-process`);
  return v === 'process';
}

/** Web and worker as `npm start` runs them, with notices going to the local SMTP server and SMS gateway. */
export async function startApp(stack: Stack, taskQueue = 'voice-review-desk'): Promise<App> {
  const config = loadConfig({
    DATA_DIR: path.join(stack.dir, 'app'),
    PORT: '0',
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'false',
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_METRICS_ADDRESS: stack.sdkMetricsAddress,
  });
  const channels = await startNotificationChannels(config, stack.log);
  const web = await startWeb(config, stack.appDatabaseUrl, stack.temporal, stack.log, { channels });
  const callbackUrl = `${web.url}/callbacks/sms-status`;
  const worker = workerInItsOwnProcess() ? await workerProcess(stack, taskQueue, channels, callbackUrl) : await workerHere(stack, config, channels, callbackUrl);
  const apiKey = `vrd_bench_${randomBytes(16).toString('hex')}`;
  const tenant = await ensureTenantWithKey(stack.db.db, 'bench tenant', apiKey);
  await stack.db.db.insert(contacts).values({
    tenantId: tenant.id,
    name: '张伟',
    mobile: '+8613800138000',
    email: 'bench@example.com',
    subscriptions: ['voice_template', 'audio_file', 'service_activation', 'enterprise_qualification', 'quality_check_opt_out', 'number_order', 'number_unsubscribe'],
  });
  const password = `bench-${randomBytes(9).toString('base64url')}`;
  const member = await createStaff(stack.db.db, { email: 'bench-reviewer@example.com', name: 'Bench Reviewer', role: 'reviewer', passwordHash: await argon2.hash(password) });
  return {
    config,
    web,
    worker,
    channels,
    tenant,
    apiKey,
    reviewer: { email: member.email, password, id: member.id, name: member.name },
    stop: async () => {
      await worker.stop();
      await web.stop();
      await channels.stop();
    },
  };
}

async function workerHere(stack: Stack, config: Config, channels: NotificationChannels, callbackUrl: string): Promise<AppWorker> {
  const senders = createSenders(config, channels, callbackUrl);
  const worker = await startWorker(config, stack.appDatabaseUrl, stack.temporal, stack.log, { senders });
  return {
    pid: undefined,
    metricsAddress: stack.sdkMetricsAddress,
    tasksDone: () => workflowTasksDone(stack.sdkMetricsAddress, config.temporal.taskQueue),
    stop: async () => {
      await worker.stop();
      senders.close();
    },
  };
}

async function workerProcess(stack: Stack, taskQueue: string, channels: NotificationChannels, callbackUrl: string): Promise<AppWorker> {
  const worker = await spawnWorkerProcess(stack, {
    name: 'app-worker',
    taskQueue,
    // A V8 CPU profile of each of its threads, written when it stops (the workflow thread has one of its own).
    nodeArgs: process.env.BENCH_WORKER_CPU_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve('data', 'bench', 'worker-profile')}`] : [],
    env: channelsEnv(channels, callbackUrl),
  });
  return { pid: worker.pid, metricsAddress: worker.metricsAddress, tasksDone: () => workflowTasksDone(worker.metricsAddress, taskQueue), stop: worker.stop };
}
