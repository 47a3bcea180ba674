/**
 * A small supervisor for the app's own processes (the web server, the worker): each runs as its
 * own child, so one that crashes takes nothing else with it, and one that ends without being
 * asked to is started again after a pause that doubles with each quick failure (and starts over
 * once a process has run a while). Why it ended (exit code or signal, its last lines of error
 * output) is logged, and every child is told the state of all of them, for /healthz and /metrics.
 *
 * Children talk to the supervisor over Node's IPC channel: `{ type: 'ready' }` once serving, and
 * requests it answers (the local mail and SMS stand-ins live in the supervisor). A child whose
 * channel closes has lost its supervisor (killed, even with SIGKILL) and stops itself; children run
 * in process groups of their own, so a terminal's Ctrl-C reaches only the supervisor, which stops
 * them in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { OutputTail } from './child-process.js';
import type { Logger } from './logger.js';

/** What the supervisor logs through (a pino logger, or the cluster's own lines). */
export type SupervisorLog = Pick<Logger, 'warn' | 'error'>;

export type ProcessRole = 'web' | 'worker';

/** What /healthz and /metrics say about one supervised process. */
export interface ProcessState {
  name: string;
  role: ProcessRole;
  state: 'starting' | 'running' | 'restarting' | 'stopped';
  pid: number | null;
  restarts: number;
  /** How it last ended ("signal SIGKILL", "exit code 1"), when it has. */
  lastExit: string | null;
  lastExitAt: string | null;
  /** When it entered its state. */
  since: string;
}

/** Messages between a supervisor and its children. */
export type ToChild = { type: 'processes'; processes: ProcessState[] } | { type: 'answer'; id: number; value: unknown };
export type FromChild = { type: 'ready' } | { type: 'ask'; id: number; what: string };

export interface Backoff {
  /** Pause before the first restart. */
  initialMs: number;
  maxMs: number;
  /** A process that ran this long before it ended is restarted after initialMs again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export interface SuperviseOptions {
  name: string;
  role: ProcessRole;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  log: SupervisorLog;
  /** Each line the child writes (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Answers a child's question (`ask`); undefined when there is nothing to say. */
  answer?: (what: string) => unknown;
  backoff?: Backoff;
  /** Grace between SIGTERM and SIGKILL on stop. */
  stopGraceMs?: number;
  /** Starts that fail before the child is ever ready, in a row, before the supervisor gives up on it. */
  maxFailedStarts?: number;
  /** Called whenever any state changes (the supervisor then tells every child). */
  onChange?: () => void;
}

export interface Supervised {
  readonly name: string;
  state(): ProcessState;
  /** Resolves the first time the child says it is ready; rejects if it never can be (given up). */
  ready: Promise<void>;
  /** Resolves if the supervisor gives up restarting it (it failed to start too often). */
  gaveUp: Promise<string>;
  send(message: ToChild): void;
  /** SIGTERM, then SIGKILL after the grace; no restart after. Idempotent. */
  stop(): Promise<void>;
}

export function superviseProcess(opts: SuperviseOptions): Supervised {
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const maxFailedStarts = opts.maxFailedStarts ?? 5;
  const now = () => new Date().toISOString();
  const state: ProcessState = { name: opts.name, role: opts.role, state: 'starting', pid: null, restarts: 0, lastExit: null, lastExitAt: null, since: now() };
  let child: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  let exited: Promise<void> = Promise.resolve();
  let restartTimer: NodeJS.Timeout | undefined;
  let quickFailures = 0;
  let failedStarts = 0;
  let markReady: () => void = () => undefined;
  let markGaveUp: (why: string) => void = () => undefined;
  let failReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined);
  const gaveUp = new Promise<string>((resolve) => (markGaveUp = resolve));
  const set = (s: ProcessState['state'], pid: number | null = state.pid) => {
    state.state = s;
    state.pid = pid;
    state.since = now();
    opts.onChange?.();
  };

  const start = () => {
    const tail = new OutputTail(20);
    const startedAt = Date.now();
    let readyThisTime = false;
    // 'advanced' serialization keeps the Dates of what the stand-ins received.
    const c = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true, serialization: 'advanced' });
    child = c;
    set('starting', c.pid ?? null);
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      c[stream]!.on('data', (chunk: Buffer) => {
        if (stream === 'stderr') tail.push(chunk);
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) opts.onLine?.(line, stream);
      });
      c[stream]!.on('end', () => partial && opts.onLine?.(partial, stream));
    }
    c.on('message', (raw: unknown) => {
      const m = raw as FromChild;
      if (m?.type === 'ready') {
        readyThisTime = true;
        failedStarts = 0;
        set('running');
        markReady();
      } else if (m?.type === 'ask') {
        let value: unknown;
        try {
          value = opts.answer?.(m.what);
        } catch (err) {
          opts.log.warn({ err, child: opts.name, what: m.what }, 'could not answer a child');
        }
        if (c.connected) c.send({ type: 'answer', id: m.id, value } satisfies ToChild, () => undefined);
      }
    });
    // An IPC write to a child that is going away fails; its exit is handled below.
    c.on('error', (err) => opts.log.warn({ err, child: opts.name }, 'a supervised child could not be reached'));
    exited = new Promise<void>((resolve) => {
      c.once('close', (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        state.lastExit = how;
        state.lastExitAt = now();
        resolve();
        if (stopping) {
          set('stopped', null);
          return;
        }
        const ranMs = Date.now() - startedAt;
        quickFailures = ranMs >= backoff.resetAfterMs ? 1 : quickFailures + 1;
        if (!readyThisTime) failedStarts += 1;
        const why = tail.text().slice(-2000);
        // Exit code 2 is a configuration the process refuses: starting it again cannot help.
        if ((!readyThisTime && code === 2) || failedStarts >= maxFailedStarts) {
          opts.log.error({ child: opts.name, how, output: why }, `${opts.name} could not start; giving up on it`);
          set('stopped', null);
          failReady(new Error(`${opts.name} could not start (${how}):\n${why}`));
          markGaveUp(how);
          return;
        }
        const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (quickFailures - 1));
        state.restarts += 1;
        opts.log.error({ child: opts.name, how, ranMs, restartInMs: delay, restarts: state.restarts, output: why }, `${opts.name} ended (${how}); starting it again in ${delay} ms`);
        set('restarting', null);
        restartTimer = setTimeout(() => {
          restartTimer = undefined;
          if (!stopping) start();
        }, delay);
      });
    });
  };

  start();
  return {
    name: opts.name,
    state: () => ({ ...state }),
    ready,
    gaveUp,
    send(message) {
      if (child?.connected) child.send(message, () => undefined);
    },
    stop() {
      stopping ??= (async () => {
        clearTimeout(restartTimer);
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) {
          set('stopped', null);
          return;
        }
        c.kill('SIGTERM');
        const kill = setTimeout(() => c.kill('SIGKILL'), opts.stopGraceMs ?? 30_000);
        await exited;
        clearTimeout(kill);
      })();
      return stopping;
    },
  };
}

/**
 * Several supervised processes that know of each other: each child is told the state of all of
 * them whenever one changes.
 */
export class ProcessGroup {
  private readonly members: Supervised[] = [];

  /** `changed` hears of every change too (the cluster keeps its state file up to date with it). */
  constructor(private readonly changed: (states: ProcessState[]) => void = () => undefined) {}

  add(opts: Omit<SuperviseOptions, 'onChange'>): Supervised {
    const member = superviseProcess({ ...opts, onChange: () => this.broadcast() });
    this.members.push(member);
    this.broadcast();
    return member;
  }

  states(): ProcessState[] {
    return this.members.map((m) => m.state());
  }

  private broadcast(): void {
    // Called while a member is being made, before it is in the list: the next change tells it.
    const processes = this.states();
    for (const m of this.members) m.send({ type: 'processes', processes });
    this.changed(processes);
  }
}
