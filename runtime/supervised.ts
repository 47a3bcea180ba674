/**
 * The child's side of runtime/supervisor.ts: a process started by a supervisor (over an IPC
 * channel) says when it is ready, learns the state of its fellow processes, asks the supervisor
 * what lives there (the local mail and SMS stand-ins), and stops itself when its supervisor is
 * gone. A process started on its own (`npm run web` under systemd) has no channel and none of this.
 */
import type { FromChild, ProcessState, ToChild } from './supervisor.js';

export interface Supervision {
  /** The supervisor's processes as it last told them (this one included). */
  processes(): ProcessState[];
  ready(): void;
  ask<T>(what: string, timeoutMs?: number): Promise<T>;
  onGone(stop: () => void): void;
}

let current: Supervision | undefined;

/** This process's supervisor, if it has one. */
export function supervision(): Supervision | undefined {
  if (current || typeof process.send !== 'function') return current;
  let processes: ProcessState[] = [];
  let next = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  const send = (m: FromChild) => {
    if (process.connected) process.send!(m, undefined, {}, () => undefined);
  };
  process.on('message', (raw: unknown) => {
    const m = raw as ToChild;
    if (m?.type === 'processes') processes = m.processes;
    else if (m?.type === 'answer') {
      waiting.get(m.id)?.(m.value);
      waiting.delete(m.id);
    }
  });
  current = {
    processes: () => processes,
    ready: () => send({ type: 'ready' }),
    ask: <T>(what: string, timeoutMs = 5000) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the supervisor did not answer ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, (value) => {
          clearTimeout(timer);
          resolve(value as T);
        });
        send({ type: 'ask', id, what });
      }),
    // The channel closes when the supervisor ends, however it ends (SIGKILL too).
    onGone: (stop) => process.once('disconnect', stop),
  };
  return current;
}
