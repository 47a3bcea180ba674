import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTestServer } from '../../scripts/temporal/binaries.js';
import { ensureSearchAttributes, SEARCH_ATTRIBUTES } from '../../scripts/temporal/dev-server.js';
import { createTimeSkippingEnv } from '../../scripts/temporal/test-env.js';
import { sleepyWorkflow } from './fixtures/sleepy-workflow.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('time-skipping test server (found or built by scripts/temporal/binaries.ts)', () => {
  let env: TestWorkflowEnvironment | undefined;
  let workflowBundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    // Quieter worker logs (once per process; this file runs in its own fork).
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      /* already installed by another file in this process */
    }
    // A cold cache builds the server with Maven first: give it minutes.
    [env, workflowBundle] = await Promise.all([
      createTimeSkippingEnv(),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('./fixtures/sleepy-workflow.ts', import.meta.url)),
        logger: new DefaultLogger('WARN'),
      }),
    ]);
  }, 15 * 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('when the test server was found once, then a second lookup takes well under a second', async () => {
    const started = performance.now();
    const found = await findTestServer();
    expect(performance.now() - started).toBeLessThan(250);
    expect(found).toMatch(/temporal-test-server/);
  });

  it('when a workflow sleeps 2 days, then it completes in a few seconds of wall time', async () => {
    if (!env) throw new Error('no test environment');
    const taskQueue = `sleepy-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    const started = Date.now();
    const workflowElapsed = await worker.runUntil(
      env.client.workflow.execute(sleepyWorkflow, { taskQueue, workflowId: `sleepy-${randomUUID()}`, args: [2] }),
    );
    const wallMs = Date.now() - started;
    expect(workflowElapsed).toBeGreaterThanOrEqual(2 * DAY_MS);
    expect(wallMs).toBeLessThan(5000);
  });

  it('when the environment is created, then the custom search attributes can be set on a workflow', async () => {
    if (!env) throw new Error('no test environment');
    // The test server has no ListSearchAttributes; adding again must still be harmless.
    await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
    const taskQueue = `sleepy-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    const handle = await env.client.workflow.start(sleepyWorkflow, {
      taskQueue,
      workflowId: `sleepy-${randomUUID()}`,
      args: [1],
      typedSearchAttributes: SEARCH_ATTRIBUTES.map((key) => ({ key, value: `${key.name}-value` })),
    });
    await worker.runUntil(handle.result());
    const description = await handle.describe();
    for (const key of SEARCH_ATTRIBUTES) {
      expect(description.typedSearchAttributes.get(key)).toBe(`${key.name}-value`);
    }
  });
});
