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
}

/**
 * Measured with `npm run bench` (README, Benchmarks). A workflow in the worker's cache holds about
 * 0.5-0.8 MB (the SDK gives each its own instances of the bundle's modules); the SDK's default
 * cache size follows the V8 heap limit (2,310 on a 4 GB heap), which kept the worker near 1.4-2 GB
 * with thousands of reviews open. Open reviews sleep for hours between events, so past a few
 * hundred the cache barely saves a replay (of a short history) while costing memory: 1,000 keeps
 * the worker near 1 GB however many reviews are open.
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
  });
}
