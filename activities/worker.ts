import { createRequire } from 'node:module';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './index.js';

const require = createRequire(import.meta.url);
export const workflowsPath = require.resolve('../workflows/index.ts');

/**
 * How the workflow code is bundled, wherever it is (worker, tests, replays, benchmarks). The SDK
 * reuses one V8 context for every workflow, but evaluates each module a workflow imports once per
 * workflow: each review's first task (and each replay after eviction) ran the SDK's workflow API
 * and all of the app's workflow modules again. Preloaded modules are evaluated once, when the worker
 * starts, and shared, frozen, by every workflow. That is safe only for modules that keep no state
 * of their own between calls; none of the workflow modules do (their state lives in each round's
 * context), and a module that tried to change a shared object would throw, not leak. The benchmark's
 * own engine workflows are bundled the same way, so the two differ only in what the workflows do.
 */
export const bundleOptionsFor = (entry: string) => ({ workflowsPath: entry, preloadModules: [require.resolve('../workflows/stack-depth.ts'), '@temporalio/workflow', entry] });

export const WORKFLOW_BUNDLE = bundleOptionsFor(workflowsPath);

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
    // A bundle made elsewhere was made with WORKFLOW_BUNDLE; bundling here uses the same options.
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath, bundlerOptions: { preloadModules: WORKFLOW_BUNDLE.preloadModules } }),
    ...WORKER_TUNING,
    ...(setup.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: setup.maxCachedWorkflows } : {}),
  });
}
