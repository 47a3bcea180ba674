/**
 * Lifetimes of the server processes we start (embedded PostgreSQL, the Temporal dev server).
 *
 * Spawn them with `detached: true`: in their own process group a terminal's Ctrl-C reaches only
 * us, and we stop them in order after the web server and the worker. They must still never
 * outlive this process:
 * - a process 'exit' hook sends each running child its stop signal;
 * - SIGTERM and SIGINT do the same when nobody else in the process handles those signals (an
 *   application that handles them owns the shutdown and calls stop());
 * - on POSIX a tiny watchdog shell stops the child if we are killed with SIGKILL, which no
 *   handler sees.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SupervisedChild {
  pid: number;
  /** Resolves with how the child ended (`exit code 0`, `signal SIGKILL`), whoever ended it. */
  exited: Promise<string>;
  /** Resolves only when the child ends without stop() having been called: it died on its own. */
  died: Promise<string>;
  /** How it ended, or undefined while it runs. */
  exitDescription(): string | undefined;
  /** Sends the stop signal, then the next ones after each grace period; resolves once it is gone. Idempotent. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** What asks this program to stop cleanly (PostgreSQL: SIGINT, a fast shutdown). */
  stopSignal: NodeJS.Signals;
  /** Signals to send in turn if it is still running after each grace period. */
  escalate?: NodeJS.Signals[];
  graceMs: number;
}

/**
 * Process-wide state, kept on globalThis so that two copies of this module (e.g. loaded through
 * different loaders) share one set of children and install the hooks once: two copies each
 * deferring to the other's signal listener would leave SIGTERM ignored.
 */
interface Hooks {
  children: Map<ChildProcess, NodeJS.Signals>;
}
const HOOKS_KEY = Symbol.for('voice-review-desk.child-process.hooks');

function processHooks(): Hooks {
  const holder = globalThis as { [HOOKS_KEY]?: Hooks };
  const existing = holder[HOOKS_KEY];
  if (existing) return existing;
  const hooks: Hooks = { children: new Map() };
  holder[HOOKS_KEY] = hooks;
  const signalAll = (): void => {
    for (const [child, signal] of hooks.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }
  };
  process.on('exit', signalAll);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const handler = (): void => {
      if (process.listenerCount(signal) > 1) return;
      signalAll();
      // Restore the default action (terminate) and re-raise, as if we had never listened.
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
  return hooks;
}

export function supervise(child: ChildProcess, opts: SuperviseOptions): SupervisedChild {
  const { children } = processHooks();
  children.set(child, opts.stopSignal);
  let description: string | undefined;
  let stopRequested = false;
  let reportDeath: (how: string) => void = () => undefined;
  const died = new Promise<string>((resolve) => (reportDeath = resolve));
  const exited = new Promise<string>((resolve) => {
    const done = (what: string): void => {
      if (description !== undefined) return;
      description = what;
      children.delete(child);
      watchdog?.kill('SIGKILL');
      if (!stopRequested) reportDeath(what);
      resolve(what);
    };
    child.once('exit', (code, signal) => done(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (err) => done(`spawn error: ${err.message}`));
  });
  const watchdog = child.pid ? startWatchdog(child.pid, opts.stopSignal) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopRequested = true;
    stopping ??= (async () => {
      if (description === undefined) {
        const signals = [opts.stopSignal, ...(opts.escalate ?? ['SIGKILL'])];
        let timer: NodeJS.Timeout | undefined;
        const send = (i: number): void => {
          if (description !== undefined || i >= signals.length) return;
          child.kill(signals[i]);
          timer = setTimeout(() => send(i + 1), opts.graceMs);
        };
        send(0);
        await exited;
        clearTimeout(timer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopping;
  };
  return { pid: child.pid ?? -1, exited, died, exitDescription: () => description, stop };
}

/**
 * A shell that polls our pid and stops the child once we are gone (covers SIGKILL of this
 * process). Killed as soon as the child exits, so it never signals a recycled pid.
 */
function startWatchdog(childPid: number, signal: NodeJS.Signals): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  const name = signal.replace(/^SIG/, '');
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${childPid} 2>/dev/null; do sleep 1; done; kill -${name} ${childPid} 2>/dev/null`;
  try {
    const watchdog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}

/** The last lines a child wrote, for the message when it fails. */
export class OutputTail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly max: number) {}
  push(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }
  text(): string {
    return [...this.lines, ...(this.partial ? [this.partial] : [])].join('\n');
  }
}
