import type { Logger } from './logger.js';

/**
 * The orderly stop of a process that runs several parts. Parts register how to stop them as
 * soon as they run; a shutdown stops them phase by phase in a fixed order (for `npm start`:
 * the web server, then the worker, then Temporal, then PostgreSQL), so nothing loses what it
 * depends on while it finishes its work. A step that hangs is given up on after its time, and
 * the whole shutdown after `graceMs`, so a signal always ends the process.
 */
export interface Lifecycle<Phase extends string> {
  onStop(phase: Phase, name: string, stop: () => Promise<void>): void;
  /** Starts the shutdown (later calls join it), then exits with `exitCode`. */
  shutdown(reason: string, exitCode?: number): Promise<void>;
  readonly stopping: boolean;
}

export interface LifecycleOptions<Phase extends string> {
  phases: readonly Phase[];
  log: Logger;
  /** Longest a single step may take before the next one starts. */
  stepTimeoutMs?: number;
  /** Longest the whole shutdown may take before the process exits regardless. */
  graceMs?: number;
  exit?: (code: number) => void;
}

export function createLifecycle<Phase extends string>(opts: LifecycleOptions<Phase>): Lifecycle<Phase> {
  const { log, phases } = opts;
  const stepTimeoutMs = opts.stepTimeoutMs ?? 20_000;
  const graceMs = opts.graceMs ?? 45_000;
  // pino writes asynchronously: the last lines must be out, in order, before the process ends.
  const exit = opts.exit ?? ((code: number) => log.flush(() => process.exit(code)));
  const steps = new Map<Phase, { name: string; stop: () => Promise<void> }[]>(phases.map((p) => [p, []]));
  let running: Promise<void> | undefined;
  let stopping = false;

  const runStep = async (name: string, stop: () => Promise<void>) => {
    const started = Date.now();
    log.debug({ step: name }, `stopping: ${name}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), stepTimeoutMs)));
    try {
      const outcome = await Promise.race([stop().then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') log.error({ step: name, ms: stepTimeoutMs }, 'shutdown step took too long; going on without it');
      else log.info({ step: name, ms: Date.now() - started }, `stopped: ${name}`);
    } catch (err) {
      log.error({ err, step: name }, 'shutdown step failed');
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get stopping() {
      return stopping;
    },
    onStop(phase, name, stop) {
      const list = steps.get(phase);
      if (!list) throw new Error(`unknown shutdown phase ${phase}`);
      list.push({ name, stop });
    },
    shutdown(reason, exitCode = 0) {
      stopping = true;
      running ??= (async () => {
        log.info({ reason }, 'shutting down');
        const force = setTimeout(() => {
          log.fatal({ ms: graceMs }, 'shutdown did not finish in time; exiting now');
          exit(exitCode === 0 ? 1 : exitCode);
        }, graceMs);
        for (const phase of phases) {
          // Within a phase, the part started last stops first.
          for (const step of [...(steps.get(phase) ?? [])].reverse()) await runStep(step.name, step.stop);
        }
        clearTimeout(force);
        log.info({ exitCode }, 'stopped');
        exit(exitCode);
      })();
      return running;
    },
  };
}

/** SIGTERM (container runtimes, systemd) and SIGINT (Ctrl-C, or npm passing it on) start the shutdown. */
export function shutDownOnSignals(lifecycle: Lifecycle<string>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Every delivery is handled: npm forwards a terminal's Ctrl-C that we also received, and a
    // second one must not kill the process halfway through its orderly stop.
    process.on(signal, () => void lifecycle.shutdown(signal));
  }
}

/**
 * Under `npm start` the parent is npm, which passes SIGTERM and SIGINT on. If npm is gone
 * without doing so (killed with SIGKILL, or its shell could not forward), this process has been
 * handed to init: nobody can stop it any more, so it stops itself.
 */
export function shutDownWhenOrphaned(lifecycle: Lifecycle<string>, intervalMs = 1000): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      void lifecycle.shutdown(`parent process ${parent} exited`);
    }
  }, intervalMs);
  timer.unref();
}

/**
 * An exception or rejection nothing handled is a bug: it is logged as such (with its stack, through
 * the same logger as everything else) and the process ends with 1, as Node would end it, so the
 * fault is never hidden. Under a supervisor the process is then started again; elsewhere its
 * service manager restarts it (docs/production.md).
 */
export function exitOnUncaught(log: Logger): void {
  const die = (err: unknown, what: string) => {
    log.fatal({ err }, `${what}; the process ends`);
    log.flush(() => process.exit(1));
  };
  process.on('uncaughtException', (err) => die(err, 'uncaught exception'));
  process.on('unhandledRejection', (reason) => die(reason, 'unhandled promise rejection'));
}
