import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { RecomputePageArgs, RecomputePageResult } from '../../deadlines/recompute.js';
import { recomputeWorkflowId, requestRecompute } from '../../temporal/recompute-client.js';
import { recomputeRequestedSignal, recomputeStatusQuery, type RecomputeStatus } from '../../workflows/recompute-deadlines.js';
import { createTimeSkippingEnv } from '../../scripts/temporal/test-env.js';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
  [env, bundle] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../workflows/recompute-deadlines.ts', import.meta.url)), logger: new DefaultLogger('WARN') }),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

type Page = (args: RecomputePageArgs) => Promise<RecomputePageResult>;

const result = (over: Partial<RecomputePageResult> = {}): RecomputePageResult => ({
  processed: 0,
  moved: 0,
  signalled: 0,
  deferred: 0,
  done: true,
  version: 0,
  ms: { read: 0, compute: 0, write: 0, sla: 0, signal: 0 },
  ...over,
});

/** A stand-in for the recompute activity that records every page asked for. */
function recordingPages(impl: Page) {
  const calls: RecomputePageArgs[] = [];
  const recomputePage: Page = async (args) => {
    calls.push(args);
    return impl(args);
  };
  return { calls, activities: { recomputePage } };
}

async function withWorker<T>(activities: { recomputePage: Page }, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `recompute-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(fn(taskQueue));
}

const status = (taskQueue: string) => env.client.workflow.getHandle(recomputeWorkflowId(taskQueue)).query(recomputeStatusQuery);

describe('recompute deadlines workflow', () => {
  it('when a second request arrives during a pass, then another pass runs for it and nothing is lost', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstCalled!: () => void;
    const firstPage = new Promise<void>((r) => (firstCalled = r));
    const { calls, activities } = recordingPages(async (args) => {
      if (args.targetVersion === 1) {
        firstCalled();
        await gate;
      }
      return result({ processed: 10, moved: 4, signalled: 2, version: args.targetVersion });
    });
    await withWorker(activities, async (tq) => {
      await requestRecompute(env.client, tq, 'rule voice_template', 1);
      await firstPage;
      await requestRecompute(env.client, tq, 'calendar', 2);
      // An older request arriving late changes nothing.
      await requestRecompute(env.client, tq, 'late duplicate', 1);
      release();
      await expect.poll(async () => (await status(tq)).done, { timeout: 20_000 }).toBe(2);
      const s = await status(tq);
      expect(s).toMatchObject({ requested: 2, done: 2, running: false, lastReason: 'calendar' });
      expect(s.totals).toMatchObject({ passes: 2, pages: 2, processed: 20, moved: 8, signalled: 4 });
    });
    expect(calls.map((c) => c.targetVersion)).toEqual([1, 2]);
    expect(calls.every((c) => c.limit === 1000)).toBe(true);
  });

  it('when a pass has pages left, then it keeps asking until a page reports none left', async () => {
    let left = 3;
    const { calls, activities } = recordingPages(async (args) => {
      left -= 1;
      return result({ processed: args.limit, done: left === 0 });
    });
    await withWorker(activities, async (tq) => {
      await requestRecompute(env.client, tq, 'calendar', 5);
      await expect.poll(async () => (await status(tq)).done, { timeout: 20_000 }).toBe(5);
    });
    expect(calls.map((c) => c.targetVersion)).toEqual([5, 5, 5]);
  });

  it('when nothing is left, then it waits for the next request, and completes once idle', async () => {
    const { calls, activities } = recordingPages(async (args) => result({ version: args.targetVersion }));
    await withWorker(activities, async (tq) => {
      await requestRecompute(env.client, tq, 'rule audio_file', 1);
      await expect.poll(async () => (await status(tq)).done, { timeout: 20_000 }).toBe(1);
      const handle = env.client.workflow.getHandle(recomputeWorkflowId(tq));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(await status(tq)).toMatchObject({ running: false, requested: 1, done: 1 });
      expect(calls).toHaveLength(1);

      await requestRecompute(env.client, tq, 'calendar', 3);
      await expect.poll(async () => (await status(tq)).done, { timeout: 20_000 }).toBe(3);
      // Waiting for the result lets the test server skip the idle timeout (10 minutes).
      const final = (await handle.result()) as RecomputeStatus;
      expect(final).toMatchObject({ requested: 3, done: 3, running: false, totals: { passes: 2, pages: 2 } });

      // Completed: the next request starts a fresh run.
      await requestRecompute(env.client, tq, 'rule voice_template', 4);
      await expect.poll(async () => (await status(tq)).done, { timeout: 20_000 }).toBe(4);
    });
    expect(calls.map((c) => c.targetVersion)).toEqual([1, 3, 4]);
  });

  it('when a pass takes more pages than one run may hold, then it continues as new with what was requested and done', async () => {
    let left = 7;
    const { calls, activities } = recordingPages(async () => {
      left -= 1;
      return result({ processed: 100, done: left === 0 });
    });
    await withWorker(activities, async (tq) => {
      const first = await env.client.workflow.signalWithStart('recomputeDeadlines', {
        workflowId: recomputeWorkflowId(tq),
        taskQueue: tq,
        args: [{ maxPagesPerRun: 3, pageSize: 100, idleTimeoutMs: 1_000 }],
        signal: recomputeRequestedSignal,
        signalArgs: [{ targetVersion: 9, reason: 'calendar' }],
      });
      const handle = env.client.workflow.getHandle(recomputeWorkflowId(tq));
      const final = (await handle.result()) as RecomputeStatus;
      expect(final).toMatchObject({ requested: 9, done: 9, totals: { pages: 7, processed: 700 } });
      expect((await handle.describe()).runId).not.toBe(first.signaledRunId);
    });
    expect(calls).toHaveLength(7);
    expect(calls.every((c) => c.targetVersion === 9 && c.limit === 100)).toBe(true);
  });
});
