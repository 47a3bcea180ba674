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
 *
 * Workflow task pollers scale with what the server says is waiting. With the SDK's fixed ten, only
 * two poll the task queue where new workflows land (the rest wait on the worker's sticky queue), so a
 * burst of new workflows (submissions, notice batches) queued behind them: at 20 decisions a second a
 * workflow task waited 0.6-1 s on average to be picked up, and notices took 2-5 s to leave (p95);
 * with pollers that scale, 0.1-0.4 s and 0.8-2.8 s (docs/benchmarks.md, "Workflow task pollers").
 */
export const WORKER_TUNING = { maxCachedWorkflows: 1000, workflowTaskPollerBehavior: { type: 'autoscaling' } } satisfies Partial<WorkerOptions>;

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
