/**
 * Finds (or builds once and caches) the two Temporal binaries the project runs locally:
 *
 * - the Temporal CLI, whose `temporal server start-dev` is the embedded dev server;
 * - the Java time-skipping test server used by the workflow tests.
 *
 * Lookup order:
 *   1. an explicit path from the environment (`TEMPORAL_CLI_PATH`, `TEMPORAL_TEST_SERVER_PATH`);
 *   2. a binary on PATH (`temporal`, `temporal-test-server`);
 *   3. a cached build under `$XDG_CACHE_HOME/voice-review-desk/` (default `~/.cache/...`);
 *   4. a build from source when the toolchain is present (Go for the CLI; Java + Maven for the
 *      test server), written into that cache;
 *   5. otherwise a `TemporalBinaryNotFoundError` saying what is missing. Callers that are online
 *      may catch it and fall back to the SDK's own download (`type: 'cached-download'`).
 *
 * Builds are atomic: everything is produced in a private temporary folder beside the cache entry
 * and renamed into place as the very last step, so a half-finished build is never found. A lock
 * file makes concurrent processes wait for one build instead of running several; even if the lock
 * were lost, the rename can only succeed once and the loser discards its copy.
 *
 * CLI: `npx tsx scripts/temporal/binaries.ts [cli|test-server|all]` prints `cli=/path` and/or
 * `test-server=/path`, building what is missing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, waitForTcp } from './net.js';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
/** Overridable with `TEMPORAL_TEST_SERVER_VERSION` (any io.temporal:temporal-test-server release). */
export const DEFAULT_TEST_SERVER_VERSION = '1.31.0';
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';

/** The SDK kills a spawned test server that does not accept connections within 5 s. */
const SDK_START_LIMIT_MS = 5000;
const HEARTBEAT_MS = 15_000;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const TEST_SERVER_POM = path.join(HERE, 'test-server', 'pom.xml');

export type Log = (msg: string) => void;
const defaultLog: Log = (msg) => console.error(`[temporal] ${msg}`);

/** Thrown when no binary is found and none can be built here. */
export class TemporalBinaryNotFoundError extends Error {
  override name = 'TemporalBinaryNotFoundError';
}

export function testServerVersion(): string {
  return process.env.TEMPORAL_TEST_SERVER_VERSION?.trim() || DEFAULT_TEST_SERVER_VERSION;
}

/** `$XDG_CACHE_HOME/voice-review-desk` or `~/.cache/voice-review-desk`. */
export function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(base, 'voice-review-desk');
}

export function cliCacheDir(): string {
  return path.join(cacheRoot(), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

export function testServerCacheDir(version = testServerVersion()): string {
  return path.join(cacheRoot(), `temporal-test-server-${version}`);
}

// ---------------------------------------------------------------------------------------------
// Public lookups

/** Path of a Temporal CLI (`temporal`), building v1.5.1 with Go into the cache if needed. */
export async function findTemporalCli(log: Log = defaultLog): Promise<string> {
  const fromEnv = await fromEnvironment('TEMPORAL_CLI_PATH');
  if (fromEnv) return fromEnv;
  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;
  const cached = path.join(cliCacheDir(), exeName('temporal'));
  const built = await completedBuild(cliCacheDir());
  if (built) return built;

  const go = await findOnPath('go');
  if (!go) {
    throw new TemporalBinaryNotFoundError(
      `Temporal CLI not found: TEMPORAL_CLI_PATH is not set, there is no \`temporal\` on PATH, no cached build at ${cached}, ` +
        `and Go is not installed to build one (\`go install ${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}\`, needs Go 1.25+ ` +
        `or a Go that can fetch that toolchain). Install Go, put a Temporal CLI on PATH, or set TEMPORAL_CLI_PATH. ` +
        `Online, the SDK's own download (executable type 'cached-download') also works.`,
    );
  }
  return buildOnce(cliCacheDir(), 'Temporal CLI', log, async (tmpDir) => {
    await buildCli(go, tmpDir, log);
    return exeName('temporal');
  });
}

/** Path of an executable that starts the time-skipping test server: `<it> <port>`. */
export async function findTestServer(log: Log = defaultLog): Promise<string> {
  const fromEnv = await fromEnvironment('TEMPORAL_TEST_SERVER_PATH');
  if (fromEnv) return fromEnv;
  const onPath = await findOnPath('temporal-test-server');
  if (onPath) return onPath;
  const version = testServerVersion();
  const dir = testServerCacheDir(version);
  const cached = path.join(dir, 'temporal-test-server');
  const built = await completedBuild(dir);
  if (built) return built;

  const java = await findJava();
  const mvn = await findOnPath('mvn');
  if (!java || !mvn || process.platform === 'win32') {
    const missing = [!java && 'a JDK (`java` on PATH or JAVA_HOME; 17+ recommended)', !mvn && 'Maven (`mvn` on PATH)']
      .filter(Boolean)
      .join(' and ');
    throw new TemporalBinaryNotFoundError(
      `Temporal test server not found: TEMPORAL_TEST_SERVER_PATH is not set, there is no \`temporal-test-server\` on PATH, ` +
        `no cached build at ${cached}, and ` +
        (process.platform === 'win32' ? 'the Maven build is only scripted for Linux and macOS' : `${missing} ${missing.includes(' and ') ? 'are' : 'is'} missing`) +
        ` to build io.temporal:temporal-test-server:${version}. Install them, or set TEMPORAL_TEST_SERVER_PATH. ` +
        `Online, the SDK's own download (executable type 'cached-download') also works.`,
    );
  }
  return buildOnce(dir, `Temporal test server ${version}`, log, async (tmpDir) => {
    await buildTestServer({ java, mvn, version, tmpDir, finalDir: dir, log });
    return 'temporal-test-server';
  });
}

// ---------------------------------------------------------------------------------------------
// Lookup helpers

export function exeName(name: string): string {
  return process.platform === 'win32' ? `${name}.exe` : name;
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function fromEnvironment(variable: string): Promise<string | undefined> {
  const value = process.env[variable]?.trim();
  if (!value) return undefined;
  const resolved = path.resolve(value);
  if (!(await isExecutable(resolved))) {
    throw new TemporalBinaryNotFoundError(`${variable} is set to ${value}, which is not an executable file.`);
  }
  return resolved;
}

/** First executable called `name` on PATH (with PATHEXT on Windows). */
export async function findOnPath(name: string): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

async function findJava(): Promise<string | undefined> {
  const home = process.env.JAVA_HOME;
  if (home) {
    const candidate = path.join(home, 'bin', exeName('java'));
    if (await isExecutable(candidate)) return candidate;
  }
  const onPath = await findOnPath('java');
  // Resolve /usr/bin/java -> /usr/lib/jvm/.../bin/java so the wrapper names the JDK the CDS
  // archive was made with.
  return onPath ? fs.realpath(onPath) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Build orchestration: lock, temporary folder, atomic rename

const inFlight = new Map<string, Promise<string>>();

/**
 * Builds `finalDir` once: `build(tmpDir)` fills a private temporary folder and returns the name of
 * the executable inside it; the folder is then renamed to `finalDir`.
 */
export function buildOnce(finalDir: string, what: string, log: Log, build: (tmpDir: string) => Promise<string>): Promise<string> {
  let pending = inFlight.get(finalDir);
  if (!pending) {
    pending = buildOnceUncached(finalDir, what, log, build).finally(() => inFlight.delete(finalDir));
    inFlight.set(finalDir, pending);
  }
  return pending;
}

async function buildOnceUncached(
  finalDir: string,
  what: string,
  log: Log,
  build: (tmpDir: string) => Promise<string>,
): Promise<string> {
  const parent = path.dirname(finalDir);
  const base = path.basename(finalDir);
  await fs.mkdir(parent, { recursive: true });
  return withLock(`${finalDir}.lock`, what, log, async () => {
    // Another process may have finished while we waited for the lock.
    const done = await completedBuild(finalDir);
    if (done) return done;
    await removeAbandonedTempDirs(parent, base);

    const tmpDir = path.join(parent, `${base}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await fs.mkdir(tmpDir);
    try {
      const exe = await build(tmpDir);
      await fs.writeFile(path.join(tmpDir, '.complete'), `${exe}\n`);
      try {
        await fs.rename(tmpDir, finalDir);
      } catch (err) {
        // Someone else's complete build is already there (only possible if the lock was lost).
        if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
        await fs.rm(tmpDir, { recursive: true, force: true });
        const other = await completedBuild(finalDir);
        if (other) return other;
        throw new Error(`${finalDir} exists but holds no complete build; remove it and retry`);
      }
      return path.join(finalDir, exe);
    } catch (err) {
      await fs.rm(tmpDir, { recursive: true, force: true });
      throw err;
    }
  });
}

/** The executable of a finished build in `dir` (marked by `.complete`), if there is one. */
export async function completedBuild(dir: string): Promise<string | undefined> {
  try {
    const exe = (await fs.readFile(path.join(dir, '.complete'), 'utf8')).trim();
    const file = path.join(dir, exe);
    return (await isExecutable(file)) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Removes `<base>.tmp-<pid>-*` folders left by builds whose process is gone. */
async function removeAbandonedTempDirs(parent: string, base: string): Promise<void> {
  const prefix = `${base}.tmp-`;
  for (const entry of await fs.readdir(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) continue;
    await fs.rm(path.join(parent, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return isErrno(err, 'EPERM');
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

interface LockInfo {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/** A lock is stale when its holder is gone: dead pid on this host, or no heartbeat for 2 minutes. */
const LOCK_STALE_MS = 120_000;
const LOCK_HEARTBEAT_MS = 10_000;

async function withLock<T>(lockPath: string, what: string, log: Log, fn: () => Promise<T>): Promise<T> {
  const me: LockInfo = { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex'), since: new Date().toISOString() };
  const waitStarted = Date.now();
  let lastWaitLog = 0;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    const holder = await readLock(lockPath);
    if (holder === 'gone') continue;
    if (holder.stale) {
      log(`Removing a stale build lock ${lockPath} (${holder.reason}).`);
      // Rename first so that only one waiter removes it; the loser's rename fails harmlessly.
      const trash = `${lockPath}.stale-${me.token}`;
      try {
        await fs.rename(lockPath, trash);
        await fs.rm(trash, { force: true });
      } catch {
        /* another waiter got there first */
      }
      continue;
    }
    const now = Date.now();
    if (now - lastWaitLog >= HEARTBEAT_MS) {
      lastWaitLog = now;
      log(
        `Waiting for another process (${holder.info?.pid ?? '?'} on ${holder.info?.host ?? '?'}) that is building the ${what}… ` +
          `${Math.round((now - waitStarted) / 1000)} s`,
      );
    }
    await delay(500);
  }

  const heartbeat = setInterval(() => {
    const t = new Date();
    fs.utimes(lockPath, t, t).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    const holder = await readLock(lockPath);
    if (holder !== 'gone' && holder.info?.token === me.token) await fs.rm(lockPath, { force: true });
  }
}

async function readLock(
  lockPath: string,
): Promise<'gone' | { stale: boolean; reason?: string; info?: LockInfo }> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'gone';
    throw err;
  }
  const age = Date.now() - mtimeMs;
  let info: LockInfo | undefined;
  try {
    info = JSON.parse(text) as LockInfo;
  } catch {
    // Being written right now, or a torn write from a crashed process.
    return age > 10_000 ? { stale: true, reason: 'unreadable' } : { stale: false };
  }
  if (info.host === os.hostname() && !isAlive(info.pid)) return { stale: true, reason: `process ${info.pid} is gone`, info };
  if (age > LOCK_STALE_MS) return { stale: true, reason: `no heartbeat for ${Math.round(age / 1000)} s`, info };
  return { stale: false, info };
}

// ---------------------------------------------------------------------------------------------
// Running build tools with visible progress

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log: Log;
  label: string;
  /** Called for every output line; return a short status to include in the heartbeat. */
  onLine?: (line: string) => void;
  status?: () => string;
}

export async function run(cmd: string, args: string[], opts: RunOptions): Promise<void> {
  const started = Date.now();
  const tail: string[] = [];
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split(/\r?\n/)) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onLine?.(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const heartbeat = setInterval(() => {
    const extra = opts.status?.();
    opts.log(`${opts.label}: ${Math.round((Date.now() - started) / 1000)} s elapsed${extra ? ` (${extra})` : ''}…`);
  }, HEARTBEAT_MS);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, signal) => resolve(signal ? null : c));
    });
    if (code !== 0) {
      throw new Error(`${opts.label} failed (${cmd} ${args.join(' ')} exited with ${code ?? 'a signal'}). Last output:\n${tail.join('\n')}`);
    }
  } finally {
    clearInterval(heartbeat);
  }
}

// ---------------------------------------------------------------------------------------------
// Temporal CLI: go install

async function buildCli(go: string, tmpDir: string, log: Log): Promise<void> {
  const started = Date.now();
  log(`Building Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (first run only, takes a few minutes)…`);
  let downloads = 0;
  await run(
    go,
    [
      'install',
      // Strip debug info (smaller binary) and stamp the real version instead of 0.0.0-DEV. These
      // only change the link step, so a plain `go install` done earlier (e.g. by CI) still serves
      // every compiled package from Go's build cache.
      '-ldflags',
      `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      `${TEMPORAL_CLI_MODULE}@v${TEMPORAL_CLI_VERSION}`,
    ],
    {
      cwd: tmpDir, // outside any module, so go.work / go.mod of the caller never interfere
      env: { ...process.env, GOBIN: tmpDir, GO111MODULE: 'on' },
      log,
      label: 'go install',
      onLine: (line) => {
        if (line.startsWith('go: downloading')) downloads++;
      },
      status: () => (downloads ? `${downloads} modules downloaded` : 'compiling'),
    },
  );
  const exe = path.join(tmpDir, exeName('temporal'));
  if (!(await isExecutable(exe))) throw new Error(`go install finished but ${exe} is missing`);
  log(`Built Temporal CLI v${TEMPORAL_CLI_VERSION} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

// ---------------------------------------------------------------------------------------------
// Test server: Maven dependencies + CDS archive + exec wrapper

interface TestServerBuild {
  java: string;
  mvn: string;
  version: string;
  tmpDir: string;
  finalDir: string;
  log: Log;
}

/** JVM flags for a fast start: C1 only, the simplest GC. Used both for the CDS dump and the wrapper. */
const FAST_START_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

async function buildTestServer(b: TestServerBuild): Promise<void> {
  const started = Date.now();
  b.log(`Building Temporal test server ${b.version} from Maven (io.temporal:temporal-test-server; first run only)…`);
  await fs.copyFile(TEST_SERVER_POM, path.join(b.tmpDir, 'pom.xml'));
  await run(
    b.mvn,
    [
      '-B',
      '-q',
      '-f',
      path.join(b.tmpDir, 'pom.xml'),
      `-Dtemporal.test-server.version=${b.version}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(b.tmpDir, 'lib')}`,
      '-DincludeScope=runtime',
    ],
    { cwd: b.tmpDir, log: b.log, label: 'mvn dependency:copy-dependencies' },
  );
  await fs.rm(path.join(b.tmpDir, 'target'), { recursive: true, force: true });
  const jars = (await fs.readdir(path.join(b.tmpDir, 'lib'))).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith('temporal-test-server-'))) throw new Error('Maven did not copy the temporal-test-server jar');
  b.log(`Copied ${jars.length} jars in ${Math.round((Date.now() - started) / 1000)} s; recording a class-data-sharing archive…`);

  // The class path is relative ("lib/*", run from the folder) so the archive stays valid after
  // the folder is renamed into place.
  let cds = false;
  try {
    await dumpCdsArchive(b);
    cds = true;
  } catch (err) {
    b.log(`No class-data-sharing archive (the server still works, starting more slowly): ${(err as Error).message}`);
  }
  // Measure the start time the SDK will see, with the command the wrapper will exec. This also
  // validates the archive: a damaged one can crash the JVM even with -Xshare:auto.
  let startMs: number | undefined;
  if (cds) {
    try {
      startMs = await measureStart(b.java, b.tmpDir, true);
    } catch (err) {
      b.log(`The class-data-sharing archive does not work here, dropping it: ${(err as Error).message}`);
      await fs.rm(path.join(b.tmpDir, 'app.jsa'), { force: true });
      cds = false;
    }
  }
  try {
    startMs ??= await measureStart(b.java, b.tmpDir, false);
  } catch (err) {
    throw new Error(`the freshly built test server does not start: ${(err as Error).message}`);
  }
  const verdict = startMs < SDK_START_LIMIT_MS * 0.6 ? 'well inside' : startMs < SDK_START_LIMIT_MS ? 'close to' : 'OVER';
  b.log(`Test server accepts connections ${startMs} ms after start (${verdict} the SDK's ${SDK_START_LIMIT_MS / 1000} s limit).`);

  for (const f of await fs.readdir(b.tmpDir)) {
    if (f.startsWith('hs_err_pid')) await fs.rm(path.join(b.tmpDir, f), { force: true }); // JVM crash reports
  }
  await fs.writeFile(path.join(b.tmpDir, 'temporal-test-server'), wrapperScript(b, cds), { mode: 0o755 });
  await fs.writeFile(
    path.join(b.tmpDir, 'build-info.json'),
    JSON.stringify(
      {
        artifact: `io.temporal:temporal-test-server:${b.version}`,
        java: b.java,
        cds,
        startMs,
        jars: jars.length,
        builtAt: new Date().toISOString(),
      },
      null,
      2,
    ) + '\n',
  );
  b.log(`Built Temporal test server ${b.version} in ${Math.round((Date.now() - started) / 1000)} s.`);
}

function javaArgs(cds: boolean, extra: string[] = []): string[] {
  return [
    ...FAST_START_FLAGS,
    ...(cds ? ['-XX:SharedArchiveFile=app.jsa', '-Xshare:auto', '-Xlog:cds=off', '-Xlog:cds+dynamic=off'] : []),
    ...extra,
    '-cp',
    'lib/*',
    TEST_SERVER_MAIN_CLASS,
  ];
}

/** Runs the server once with -XX:ArchiveClassesAtExit, exercises it a little, stops it. */
async function dumpCdsArchive(b: TestServerBuild): Promise<void> {
  const port = await freePort();
  const child = spawn(b.java, [...FAST_START_FLAGS, '-XX:ArchiveClassesAtExit=app.jsa', '-Xlog:cds=off', '-Xlog:cds+dynamic=off', '-cp', 'lib/*', TEST_SERVER_MAIN_CLASS, String(port)], {
    cwd: b.tmpDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    });
    child.once('error', () => {
      exited = true;
      resolve(-1);
    });
  });
  try {
    await waitForTcp(port, { timeoutMs: 60_000, stillAlive: () => !exited });
    await exerciseServer(port, b.log);
  } catch (err) {
    child.kill('SIGKILL');
    await exit;
    throw new Error(`${(err as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  // SIGTERM runs the JVM's normal exit path, which writes the archive (takes a second or two).
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exit;
  clearTimeout(timer);
  const stat = await fs.stat(path.join(b.tmpDir, 'app.jsa')).catch(() => undefined);
  if (!stat || stat.size === 0) throw new Error(`the JVM wrote no archive${stderr ? `:\n${stderr}` : ''}`);
}

/** A few typical calls, so the classes that serve them land in the archive too. */
async function exerciseServer(port: number, log: Log): Promise<void> {
  try {
    const { Connection } = await import('@temporalio/client');
    const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 10_000 });
    try {
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.testService?.getCurrentTime({});
    } finally {
      await connection.close();
    }
  } catch (err) {
    log(`(warming the archive with a few calls failed, continuing: ${(err as Error).message})`);
  }
}

async function measureStart(java: string, dir: string, cds: boolean): Promise<number> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(java, [...javaArgs(cds), String(port)], { cwd: dir, stdio: 'ignore' });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  try {
    await waitForTcp(port, { timeoutMs: 30_000, stillAlive: () => !exited });
    return Date.now() - started;
  } finally {
    child.kill('SIGKILL');
    await exit;
  }
}

function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function wrapperScript(b: TestServerBuild, cds: boolean): string {
  return `#!/bin/sh
# Temporal time-skipping test server (io.temporal:temporal-test-server:${b.version}),
# built by scripts/temporal/binaries.ts. Usage: temporal-test-server <port> [args...]
#
# \`exec\` replaces this shell with the JVM, so the SDK's kill reaches the server itself.
# The SDK allows 5 seconds to accept connections: C1-only JIT, the serial GC and the
# class-data-sharing archive (app.jsa, recorded at build time with the relative class
# path below, hence the cd) keep the start well inside that.
cd ${shQuote(b.finalDir)} || exit 1
JAVA=${shQuote(b.java)}
[ -x "$JAVA" ] || JAVA=java
${cds ? `if [ -f app.jsa ]; then
  exec "$JAVA" ${javaArgs(true).map(shQuote).join(' ')} "$@"
fi
` : ''}exec "$JAVA" ${javaArgs(false).map(shQuote).join(' ')} "$@"
`;
}

// ---------------------------------------------------------------------------------------------
// CLI entry

async function main(argv: string[]): Promise<void> {
  const which = argv[0] ?? 'all';
  if (!['cli', 'test-server', 'all'].includes(which)) {
    console.error('usage: tsx scripts/temporal/binaries.ts [cli|test-server|all]');
    process.exitCode = 2;
    return;
  }
  if (which === 'cli' || which === 'all') console.log(`cli=${await findTemporalCli()}`);
  if (which === 'test-server' || which === 'all') console.log(`test-server=${await findTestServer()}`);
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === pathToFileURL(realpathSync(fileURLToPath(import.meta.url))).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
