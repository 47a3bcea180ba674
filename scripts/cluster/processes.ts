/**
 * The cluster's child processes: each one's output goes to its own log file (warnings and errors
 * also to the terminal, prefixed with its name), and none outlives the cluster: Ctrl-C reaches the
 * whole process group, stop() sends SIGTERM and then SIGKILL, and a tiny watchdog shell per child
 * ends it if the cluster process itself is killed with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Managed {
  name: string;
  pid: number;
  logFile: string;
  /** How it ended ("exit code 0", "signal SIGKILL"), or undefined while it runs. */
  exited(): string | undefined;
  /** Resolves with the exit description once it has ended. */
  done: Promise<string>;
  /** Resolves with the first output line matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** Stops echoing its output to the terminal (it still goes to the log file). */
  silence(): void;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Writes a line to the terminal; the default filter passes warnings, errors and non-JSON lines. */
  echo: (line: string) => void;
}

const LEVEL_NAMES = new Set(['warn', 'error', 'dpanic', 'panic', 'fatal']);

/** pino (numeric level) and zap (level name) JSON lines below warn stay in the file. */
export function worthEchoing(line: string): boolean {
  if (!line.startsWith('{')) return line.trim().length > 0;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    if (typeof level === 'number') return level >= 40;
    if (typeof level === 'string') return LEVEL_NAMES.has(level);
  } catch {
    // a JSON-looking line that is not JSON: show it
  }
  return true;
}

export function spawnManaged(opts: SpawnOptions): Managed {
  fs.mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${opts.name}.log`);
  const log = fs.createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  const child = spawn(opts.command, opts.args, { cwd: REPO_ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  log.write(`--- ${new Date().toISOString()} started pid ${child.pid ?? '?'}: ${opts.command} ${opts.args.join(' ')}\n`);
  const waiters = new Set<(line: string) => void>();
  // What a process says while it is being stopped (peers gone, connections refused) is expected.
  let quiet = false;
  const onOutput = (): ((chunk: Buffer) => void) => {
    let partial = '';
    return (chunk) => {
      log.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!quiet && worthEchoing(line)) opts.echo(`[${opts.name}] ${line}`);
        for (const w of waiters) w(line);
      }
    };
  };
  child.stdout?.on('data', onOutput());
  child.stderr?.on('data', onOutput());

  let exitDescription: string | undefined;
  const watchdog = child.pid ? startWatchdog(child.pid) : undefined;
  const done = new Promise<string>((resolve) => {
    const finish = (what: string): void => {
      exitDescription ??= what;
      watchdog?.kill('SIGKILL');
      log.end();
      resolve(exitDescription);
    };
    child.once('exit', (code, signal) => finish(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (err) => finish(`spawn error: ${err.message}`));
  });

  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    pid: child.pid ?? -1,
    logFile,
    exited: () => exitDescription,
    done,
    waitForLine(pattern, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(onLine);
        };
        const onLine = (line: string): void => {
          if (!pattern.test(line)) return;
          cleanup();
          resolve(line);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${opts.name} did not log ${pattern} within ${Math.round(timeoutMs / 1000)} s (see ${logFile})`));
        }, timeoutMs);
        waiters.add(onLine);
        void done.then((how) => {
          cleanup();
          reject(new Error(`${opts.name} ended (${how}) while starting (see ${logFile})`));
        });
      });
    },
    silence() {
      quiet = true;
    },
    stop(graceMs = 15_000) {
      quiet = true;
      stopping ??= (async () => {
        if (exitDescription !== undefined) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await done;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls `probe` until it resolves true; fails early when `managed` ends. */
export async function waitUntil(managed: Managed, what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    const exit = managed.exited();
    if (exit) throw new Error(`${managed.name} ended (${exit}) before ${what} (see ${managed.logFile})`);
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${managed.name}: no ${what} within ${Math.round(timeoutMs / 1000)} s (see ${managed.logFile})`);
    await delay(250);
  }
}

/**
 * A shell that polls our pid and ends the child once we are gone (covers SIGKILL of the cluster
 * process, which no handler sees). Killed as soon as the child exits, so it never signals a
 * recycled pid.
 */
export function startWatchdog(childPid: number, signal: 'TERM' | 'INT' = 'TERM'): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${childPid} 2>/dev/null; do sleep 1; done; kill -${signal} ${childPid} 2>/dev/null`;
  try {
    const watchdog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}
