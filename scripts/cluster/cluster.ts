/**
 * Brings up, on this machine, the deployment a platform team runs: one PostgreSQL server
 * (embedded), a self-hosted Temporal server built from source on it, several `npm run worker`
 * and `npm run web` processes against one application database, and a round-robin proxy that
 * gives the web processes one URL. stop() takes it down in the reverse order.
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { connectDatabase } from '../../db/client.js';
import { prepareDatabase } from '../../db/migrate.js';
import { loadConfig } from '../../runtime/config.js';
import { startEmbeddedPostgres } from '../../runtime/embedded-postgres.js';
import { createLogger } from '../../runtime/logger.js';
import { bootstrap } from '../bootstrap.js';
import { freePorts, freePortsBelow } from '../temporal/net.js';
import { findTemporalServer } from './build.js';
import { PORT_NAMES, writeServerConfig, type ServerPorts } from './config.js';
import { isAlive, startWatchdog, worthEchoing } from './processes.js';
import { ProcessGroup, type Supervised, type SupervisorLog } from '../../runtime/supervisor.js';
import { startProxy, type Proxy } from './proxy.js';
import { endpointOf, prepareAppDatabase, prepareTemporalDatabases, TEMPORAL_DATABASE, TEMPORAL_ROLE, VISIBILITY_DATABASE } from './schema.js';
import { loadSecrets, type ClusterSecrets } from './secrets.js';
import { startSinks } from './sinks.js';
import { startTemporalServer, type TemporalServer } from './temporal-server.js';
import { scriptCommand } from '../../runtime/script-command.js';

export interface ClusterOptions {
  dataDir: string;
  /** Port of the proxy (0 = a free one). */
  port: number;
  webs: number;
  workers: number;
  namespace: string;
  /** Shards of a new Temporal cluster (fixed once its database exists). */
  historyShards: number;
  env: NodeJS.ProcessEnv;
  log: (msg: string) => void;
  /** Where child processes' warnings and errors go. */
  echo: (line: string) => void;
}

export interface AppProcess {
  name: string;
  role: 'web' | 'worker';
  /** The pid it runs under now (a restart gives it a new one). */
  readonly pid: number;
  url?: string;
  logFile: string;
  supervised: Supervised;
}

/** What a running cluster tells its operator (and writes to DATA_DIR/cluster.json, mode 0600). */
export interface ClusterState {
  url: string;
  dataDir: string;
  logDir: string;
  pid: number;
  namespace: string;
  temporal: { address: string; httpAddress: string; metricsUrl: string; pid: number; configFile: string };
  postgres: { address: string; databases: string[] };
  databaseUrl: string;
  processes: { name: string; role: 'web' | 'worker'; pid: number; url?: string; logFile: string }[];
  admin: { email: string; password: string };
  tenant: { name: string; apiKey: string };
  sinks: string[];
}

export interface Cluster {
  state: ClusterState;
  processes: AppProcess[];
  temporal: TemporalServer;
  proxy: Proxy;
  stop(): Promise<void>;
}

const APP_START_TIMEOUT_MS = 180_000;

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const started = Date.now();
  const dataDir = path.resolve(opts.dataDir);
  const logDir = path.join(dataDir, 'logs');
  await fs.mkdir(logDir, { recursive: true });
  // The embedded server runs as the postgres user, which must reach its folder.
  await fs.chmod(dataDir, 0o755).catch(() => undefined);
  const stops: { what: string; stop: () => Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const { what, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => opts.log(`stopping ${what} failed: ${(err as Error).message}`));
    }
    stops.length = 0;
  };

  try {
    const binaries = await findTemporalServer((m) => opts.log(m));
    const secrets = await loadSecrets(dataDir, opts.env);

    opts.log('Starting PostgreSQL…');
    const pg = await startEmbeddedPostgres({ dir: path.join(dataDir, 'postgres'), database: 'postgres', log: createLogger('warn', 'cluster-postgres') });
    // PostgreSQL is a child of this process too: fast shutdown (SIGINT) if this process is killed.
    const postmaster = Number((await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    if (Number.isInteger(postmaster) && postmaster > 0) startWatchdog(postmaster, 'INT');
    stops.push({
      what: 'PostgreSQL',
      // A Ctrl-C reaches PostgreSQL directly too, and embedded-postgres's stop() waits forever for
      // an exit that has already happened: only ask a running server, and not for ever.
      stop: async () => {
        if (postmaster > 0 && !isAlive(postmaster)) return;
        await Promise.race([pg.stop(), delay(30_000)]);
      },
    });
    const pgAt = endpointOf(pg.url);
    await prepareTemporalDatabases({ adminUrl: pg.url, sqlTool: binaries.sqlTool, password: secrets.temporalDbPassword, log: opts.log });
    const databaseUrl = await prepareAppDatabase({ adminUrl: pg.url, password: secrets.appDbPassword });

    const temporal = await startTemporal(opts, binaries.server, secrets, pgAt, dataDir, logDir);
    stops.push({ what: 'Temporal server', stop: () => temporal.server.managed.stop(30_000) });

    opts.log('Migrating the application database and creating the admin and tenant…');
    const { appUrl } = await prepareDatabase(databaseUrl);
    await bootstrapApp(databaseUrl, secrets);

    const webPorts = await freePorts(opts.webs);
    const proxy = await listenProxy(opts, webPorts);
    stops.push({ what: 'proxy', stop: proxy.stop });
    const sinks = await startSinks({ env: opts.env, logDir, callbackUrl: `${proxy.url}/callbacks/sms-status` });
    stops.push({ what: 'mail and SMS', stop: sinks.stop });

    const common: NodeJS.ProcessEnv = {
      ...withoutAppVariables(opts.env),
      ...sinks.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.server.address,
      TEMPORAL_NAMESPACE: opts.namespace,
      // Migrated just above: the processes (and each restart of one) connect without migrating again.
      DATABASE_APP_URL: appUrl,
      VRD_DATABASE_PREPARED: '1',
      DATA_DIR: dataDir,
      FIELD_ENCRYPTION_KEY: secrets.fieldKey,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'info',
    };
    opts.log(`Starting ${opts.workers} worker and ${opts.webs} web processes…`);
    // Each under the same supervision as npm start's: one that ends is started again with backoff.
    const stateFile = path.join(dataDir, 'cluster.json');
    // What the processes say while the cluster stops (peers going away) stays in their log files.
    const quiet = { on: false };
    const written: { state?: ClusterState } = {};
    let writes = 0;
    const group = new ProcessGroup(() => {
      const state = written.state;
      if (!state || quiet.on) return;
      // The state file follows the processes' pids as they are restarted (until the cluster stops).
      state.processes = processes.map(({ name, role, pid, url, logFile }) => ({ name, role, pid, url, logFile }));
      // Written aside and renamed, so a reader finds the whole file, old or new.
      const aside = `${stateFile}.${process.pid}.${(writes += 1)}.tmp`;
      void fs
        .writeFile(aside, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
        .then(() => fs.rename(aside, stateFile))
        .catch(() => undefined);
    });
    const launch = launchApp(group, logDir, opts, quiet);
    const workers = Array.from({ length: opts.workers }, (_, i) => launch('worker', i + 1, { ...common }));
    stops.push({ what: 'workers', stop: async () => void (await Promise.all(workers.map((p) => p.supervised.stop()))) });
    const webs = webPorts.map((port, i) =>
      launch('web', i + 1, { ...common, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: proxy.url, SESSION_SECRET: secrets.sessionSecret }, `http://127.0.0.1:${port}`),
    );
    stops.push({ what: 'web processes', stop: async () => void (await Promise.all(webs.map((p) => p.supervised.stop()))) });
    const processes = [...workers, ...webs];
    await Promise.race([
      Promise.all(processes.map((p) => p.supervised.ready)),
      delay(APP_START_TIMEOUT_MS).then(() => {
        throw new Error(`the web and worker processes did not start within ${APP_START_TIMEOUT_MS / 1000} s (see ${logDir})`);
      }),
    ]);

    const state: ClusterState = {
      url: proxy.url,
      dataDir,
      logDir,
      pid: process.pid,
      namespace: opts.namespace,
      temporal: {
        address: temporal.server.address,
        httpAddress: `127.0.0.1:${temporal.ports.frontendHttp}`,
        metricsUrl: `http://127.0.0.1:${temporal.ports.metrics}/metrics`,
        pid: temporal.server.managed.pid,
        configFile: temporal.configFile,
      },
      postgres: { address: `${pgAt.host}:${pgAt.port}`, databases: ['voice_review_desk', TEMPORAL_DATABASE, VISIBILITY_DATABASE] },
      databaseUrl,
      processes: processes.map(({ name, role, pid, url, logFile }) => ({ name, role, pid, url, logFile })),
      admin: { email: secrets.adminEmail, password: secrets.adminPassword },
      tenant: { name: secrets.tenantName, apiKey: secrets.tenantApiKey },
      sinks: sinks.describe,
    };
    await fs.writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    written.state = state;
    opts.log(`Cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    // stopAll runs the list backwards. Front to back: no new requests, web processes finish
    // theirs, workers drain, then the services they use.
    const stopOrder = ['state file', 'proxy', 'web processes', 'workers', 'mail and SMS', 'Temporal server', 'PostgreSQL'];
    stops.push({ what: 'state file', stop: () => fs.rm(stateFile, { force: true }) });
    stops.sort((a, b) => stopOrder.indexOf(b.what) - stopOrder.indexOf(a.what));
    const stop = async (): Promise<void> => {
      // From here on, what the processes say (peers going away) is expected: it stays in their logs.
      temporal.server.managed.silence();
      quiet.on = true;
      await stopAll();
    };
    return { state, processes, temporal: temporal.server, proxy, stop };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Writes the config on free ports and starts the server; a port taken meanwhile means another try. */
async function startTemporal(
  opts: ClusterOptions,
  binary: string,
  secrets: ClusterSecrets,
  pg: { host: string; port: number },
  dataDir: string,
  logDir: string,
): Promise<{ server: TemporalServer; ports: ServerPorts; configFile: string }> {
  for (let attempt = 1; ; attempt++) {
    // Temporal keeps membership ports in a SMALLINT column: all its ports stay below 32768.
    const numbers = await freePortsBelow(PORT_NAMES.length);
    const ports = Object.fromEntries(PORT_NAMES.map((name, i) => [name, numbers[i]!])) as unknown as ServerPorts;
    const configFile = await writeServerConfig({
      dir: path.join(dataDir, 'temporal'),
      ports,
      database: { host: pg.host, port: pg.port, user: TEMPORAL_ROLE, defaultDatabase: TEMPORAL_DATABASE, visibilityDatabase: VISIBILITY_DATABASE },
      historyShards: opts.historyShards,
      logLevel: 'warn',
    });
    opts.log(`Starting the Temporal server (frontend 127.0.0.1:${ports.frontendGrpc}, config ${configFile})…`);
    try {
      const server = await startTemporalServer({
        binary,
        configFile,
        dbPassword: secrets.temporalDbPassword,
        address: `127.0.0.1:${ports.frontendGrpc}`,
        namespace: opts.namespace,
        logDir,
        echo: opts.echo,
        log: opts.log,
      });
      return { server, ports, configFile };
    } catch (err) {
      const tail = await fs.readFile(path.join(logDir, 'temporal.log'), 'utf8').catch(() => '');
      if (attempt < 3 && /address already in use/i.test(tail.slice(-20_000))) {
        opts.log('A chosen port was taken meanwhile; trying other ports.');
        continue;
      }
      throw err;
    }
  }
}

async function bootstrapApp(databaseUrl: string, secrets: ClusterSecrets): Promise<void> {
  const config = loadConfig({
    ADMIN_EMAIL: secrets.adminEmail,
    ADMIN_PASSWORD: secrets.adminPassword,
    BOOTSTRAP_TENANT_NAME: secrets.tenantName,
    BOOTSTRAP_TENANT_API_KEY: secrets.tenantApiKey,
    DEMO_DATA: 'false',
  });
  const database = connectDatabase(databaseUrl, { max: 1 });
  try {
    await bootstrap(database.db, config, createLogger('warn', 'cluster-bootstrap'));
  } finally {
    await database.close();
  }
}

async function listenProxy(opts: ClusterOptions, webPorts: number[]): Promise<Proxy> {
  const backends = webPorts.map((port, i) => ({ name: `web-${i + 1}`, host: '127.0.0.1', port }));
  const log = (m: string) => opts.log(`proxy: ${m}`);
  try {
    return await startProxy({ host: '127.0.0.1', port: opts.port, backends, log });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port === 0) throw err;
    opts.log(`Port ${opts.port} is taken; the proxy takes a free port instead (set CLUSTER_PORT to choose).`);
    return startProxy({ host: '127.0.0.1', port: 0, backends, log });
  }
}

/**
 * `npm run web` / `npm run worker` as supervised children (node itself, no npm between, so a signal
 * reaches the app): every line to the process's log file, warnings and errors also to the terminal.
 */
function launchApp(group: ProcessGroup, logDir: string, opts: ClusterOptions, quiet: { on: boolean }) {
  return (role: 'web' | 'worker', index: number, env: NodeJS.ProcessEnv, url?: string): AppProcess => {
    const name = `${role}-${index}`;
    const logFile = path.join(logDir, `${name}.log`);
    const log = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
    const supervised = group.add({
      name,
      role,
      ...scriptCommand(role),
      env,
      log: {
        warn: (_o: unknown, msg?: string) => opts.log(`${msg ?? ''}`),
        error: (_o: unknown, msg?: string) => opts.log(`${msg ?? ''} (its log is ${logFile})`),
      } as unknown as SupervisorLog,
      onLine: (line) => {
        log.write(`${line}\n`);
        if (!quiet.on && worthEchoing(line)) opts.echo(`[${name}] ${line}`);
      },
    });
    return {
      name,
      role,
      get pid() {
        return supervised.state().pid ?? -1;
      },
      url,
      logFile,
      supervised,
    };
  };
}

/** The operator's shell may carry settings meant for `npm start`; the cluster sets its own. */
function withoutAppVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of ['PORT', 'HOST', 'PUBLIC_URL', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_API_KEY', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'BOOTSTRAP_TENANT_NAME', 'BOOTSTRAP_TENANT_API_KEY']) {
    delete out[name];
  }
  for (const name of Object.keys(out)) if (name.startsWith('TEMPORAL_TLS')) delete out[name];
  return out;
}
