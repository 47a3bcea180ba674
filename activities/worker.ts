import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './index.js';

const require = createRequire(import.meta.url);
export const workflowsPath = require.resolve('../workflows/index.ts');

export interface WorkerSetup extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Pre-built bundle (tests bundle once per file); otherwise bundled from workflowsPath. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxCachedWorkflows?: number;
}

/**
 * How many workflows a worker keeps in memory between their tasks (WORKER_CACHED_WORKFLOWS; the
 * reasoning behind the default is in docs/benchmarks.md, "Worker memory"). Open reviews sleep for
 * hours between events, so a review evicted from the cache costs one replay of a short history when
 * it wakes, while a cached one costs memory all the time it sleeps.
 */
export const WORKER_TUNING = { maxCachedWorkflows: 1000 } satisfies Partial<WorkerOptions>;

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities: createActivities(setup),
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath }),
    bundlerOptions: { ignoreModules: [] },
    ...WORKER_TUNING,
    ...(setup.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: setup.maxCachedWorkflows } : {}),
  });
}
