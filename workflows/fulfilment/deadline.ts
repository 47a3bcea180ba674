import { condition, setHandler } from '@temporalio/workflow';
import { slaStateAt, type SlaState } from '../../domain/review.js';
import { deadlineChangedSignal, type Deadline } from '../messages.js';

/**
 * The deadline of a stage after the review (provisioning): at risk, then breached, as a review
 * round's. What the stage marks and how it reads its deadline back are its own; the watching is
 * the same: sleep until the next instant, follow a recompute that moved it earlier (a signal)
 * or later (read on waking).
 */
export interface StageClock {
  deadline: Deadline;
  sla: SlaState;
  /** Set by a deadlineChanged signal, cleared when the watcher goes back to sleep. */
  moved: boolean;
  isOpen(): boolean;
  markAtRisk(): Promise<void>;
  markBreached(): Promise<void>;
  readDeadline(): Promise<Deadline | null>;
  /** The deadline or the SLA state changed (the stage shows them in its query). */
  changed(): void;
}

/** From now on a recompute's signal moves this stage's deadline (the review round's is over). */
export function followDeadlineSignals(clock: StageClock): void {
  setHandler(deadlineChangedSignal, (next) => {
    if (next.version <= clock.deadline.version) return;
    Object.assign(clock.deadline, next);
    clock.moved = true;
    clock.changed();
  });
}

async function atRisk(clock: StageClock): Promise<void> {
  clock.sla = 'at_risk';
  clock.changed();
  await clock.markAtRisk();
}

async function breached(clock: StageClock): Promise<void> {
  clock.sla = 'breached';
  clock.changed();
  await clock.markBreached();
}

/** Sleeps until the stage's next SLA instant while it is open; marks each step once. */
export async function watchStageDeadline(clock: StageClock): Promise<void> {
  while (clock.isOpen() && clock.sla !== 'breached') {
    const target = clock.sla === 'on_track' ? clock.deadline.atRiskAt : clock.deadline.dueAt;
    clock.moved = false;
    const ms = Date.parse(target) - Date.now();
    if (ms > 0 && (await condition(() => !clock.isOpen() || clock.moved, ms))) {
      if (clock.moved && clock.isOpen()) {
        const next = slaStateAt(Date.now(), clock.deadline);
        if (next === 'breached') await breached(clock);
        else if (next === 'at_risk' && clock.sla === 'on_track') await atRisk(clock);
        else clock.sla = next;
        clock.changed();
      }
      continue;
    }
    const fresh = await clock.readDeadline();
    if (fresh && fresh.version > clock.deadline.version) {
      Object.assign(clock.deadline, fresh);
      clock.sla = slaStateAt(Date.now(), clock.deadline);
      clock.changed();
      continue;
    }
    if (!clock.isOpen()) break;
    if (clock.sla === 'on_track' && Date.now() < Date.parse(clock.deadline.dueAt)) await atRisk(clock);
    else await breached(clock);
  }
}
