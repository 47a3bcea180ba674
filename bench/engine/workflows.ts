/**
 * The engine's own workflows, to measure what the Temporal server and a worker do without the app:
 * one that parks on a timer after its first task (as a review round does, waiting for its at-risk
 * instant), and one that completes in its first task. The parked one tells the benchmark through
 * a sink (a call into the worker's process, no command, nothing in its history) that its first task
 * ran, so the benchmark knows when the worker has caught up with the starts.
 */
import { proxySinks, sleep, type Sinks } from '@temporalio/workflow';

export interface EngineSinks extends Sinks {
  bench: { parked(): void };
}

const { bench } = proxySinks<EngineSinks>();

export async function parkedOnTimer(): Promise<void> {
  bench.parked();
  await sleep('30 days');
}

export async function startAndComplete(): Promise<string> {
  return 'done';
}
