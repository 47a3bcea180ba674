/**
 * The time-skipping test environment for workflow tests, on the test server that
 * scripts/temporal/binaries.ts finds or builds (no download, so it works offline).
 *
 * Notes for suites using it: run them serially (vitest `--pool=forks`);
 * the test server has no ListWorkflowExecutions (query by search attribute on the dev server);
 * waiting on an Update's result does not skip time.
 */
import { TestWorkflowEnvironment, type TimeSkippingTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { findTestServer, type Log } from './binaries.js';
import { ensureSearchAttributes } from './dev-server.js';

export interface TimeSkippingEnvOptions {
  /** Merged into the SDK options; `server.executable` is always the found test server. */
  sdk?: TimeSkippingTestWorkflowEnvironmentOptions;
  log?: Log;
}

/**
 * Starts the Java time-skipping test server through the SDK and registers the project's custom
 * search attributes (ReviewKind, TenantId, ReviewId) in its namespace. Call `teardown()` when done.
 */
export async function createTimeSkippingEnv(opts: TimeSkippingEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const path = await findTestServer(opts.log);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    ...opts.sdk,
    server: { ...opts.sdk?.server, executable: { type: 'existing-path', path } },
  });
  try {
    await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}
