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

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities: createActivities(setup),
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath }),
    bundlerOptions: { ignoreModules: [] },
  });
}
