import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { workflowsPath } from '../../activities/worker.js';
import type { createActivities } from '../../activities/index.js';
import type { Actor } from '../../domain/review.js';
import { decideUpdate, supersedeSignal, withdrawSignal } from '../../workflows/messages.js';
import type { ReviewRoundInput } from '../../workflows/review-round.js';
import { createTimeSkippingEnv } from '../../scripts/temporal/test-env.js';

type Activities = ReturnType<typeof createActivities>;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflowCode({ workflowsPath })]);
});

afterAll(async () => {
  await env?.teardown();
});

const reviewer: Actor = { id: 'staff-1', name: 'Li', role: 'reviewer' };

/** Activities that record what the workflow asked for, standing in for Postgres. */
function recordingActivities(overrides: Partial<Activities> = {}) {
  const calls: { name: string; args: unknown }[] = [];
  const activities: Activities = {
    applyDecision: async (args) => {
      calls.push({ name: 'applyDecision', args });
      return { applied: true };
    },
    assignReview: async (args) => {
      calls.push({ name: 'assignReview', args });
    },
    markDeadlineReached: async (args) => {
      calls.push({ name: 'markDeadlineReached', args });
    },
    ...overrides,
  };
  return { calls, activities };
}

async function withWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(fn(taskQueue));
}

async function start(taskQueue: string, dueInMs: number) {
  // The test server's clock runs ahead of the wall clock once a test has skipped time.
  const now = await env.currentTimeMs();
  const input: ReviewRoundInput = {
    reviewId: randomUUID(),
    kind: 'voice_template',
    round: 1,
    submittedAt: new Date(now).toISOString(),
    dueAt: new Date(now + dueInMs).toISOString(),
    assigneeId: null,
  };
  const handle = await env.client.workflow.start('reviewRound', { taskQueue, workflowId: `review-${input.reviewId}-round-1`, args: [input] });
  return { handle, input };
}

const TWO_DAYS = 2 * 24 * 3600_000;

describe('review round workflow', () => {
  it('when a reviewer approves, then the decision is applied once and a second decision is refused naming who decided', async () => {
    // The first decision's write is held open, so the second arrives while the round is still running.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { calls, activities } = recordingActivities();
    const applyDecision = activities.applyDecision;
    activities.applyDecision = async (args) => {
      await gate;
      return applyDecision(args);
    };
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      const first = handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor: reviewer }] });
      await expect.poll(async () => ((await handle.query('state')) as { decision: unknown }).decision).not.toBeNull();
      const second = handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'rejected', reasonCode: 'other', reasonText: 'x', actor: { ...reviewer, id: 's2', name: 'Wang' } }] });
      await expect(second).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(second).rejects.toMatchObject({ cause: { message: expect.stringContaining('already approved by Li') } });
      release();
      expect((await first).outcome).toBe('approved');
      expect(await handle.result()).toMatchObject({ closed: 'decided', decision: { outcome: 'approved' } });
    });
    expect(calls.filter((c) => c.name === 'applyDecision')).toHaveLength(1);
  });

  it('when the same update id is sent twice, then both get the one decision', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      const req = { round: 1, outcome: 'approved' as const, reasonCode: null, reasonText: null, actor: reviewer };
      const [a, b] = await Promise.all([
        handle.executeUpdate(decideUpdate, { args: [req], updateId: 'same' }),
        handle.executeUpdate(decideUpdate, { args: [req], updateId: 'same' }),
      ]);
      expect(a).toEqual(b);
    });
    expect(calls.filter((c) => c.name === 'applyDecision')).toHaveLength(1);
  });

  it('when the round is stale, the role is auditor or the review is assigned to someone else, then the validator refuses', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      const base = { outcome: 'approved' as const, reasonCode: null, reasonText: null };
      await expect(handle.executeUpdate(decideUpdate, { args: [{ ...base, round: 2, actor: reviewer }] })).rejects.toMatchObject({ cause: { message: expect.stringContaining('stale') } });
      await expect(handle.executeUpdate(decideUpdate, { args: [{ ...base, round: 1, actor: { id: 'a', name: 'Zhao', role: 'auditor' } }] })).rejects.toMatchObject({
        cause: { message: expect.stringContaining('auditor role may not decide') },
      });
      await handle.executeUpdate('claim', { args: [{ round: 1, actor: { id: 'other', name: 'Wang', role: 'reviewer' } }] });
      await expect(handle.executeUpdate(decideUpdate, { args: [{ ...base, round: 1, actor: reviewer }] })).rejects.toMatchObject({ cause: { message: 'not assigned to you' } });
      await handle.signal(withdrawSignal);
      expect(await handle.result()).toEqual({ closed: 'withdrawn' });
    });
    expect(calls.map((c) => c.name)).toEqual(['assignReview']);
  });

  it('when the tenant resubmits, then the round ends superseded without a decision', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      await handle.signal(supersedeSignal, { nextRound: 2 });
      expect(await handle.result()).toEqual({ closed: 'superseded' });
    });
    expect(calls.map((c) => c.name)).toEqual([]);
  });

  it('when the read model says the tenant resubmitted meanwhile, then the decision fails as stale', async () => {
    const { activities } = recordingActivities({ applyDecision: async () => ({ applied: false, reason: 'stale' }) });
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      await expect(
        handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor: reviewer }] }),
      ).rejects.toMatchObject({ cause: { message: expect.stringContaining('stale') } });
      expect(await handle.result()).toEqual({ closed: 'superseded' });
    });
  });

  it('when two working days pass undecided, then the deadline is recorded once and the review can still be decided', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      const started = Date.now();
      await env.sleep('3 days');
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(calls.filter((c) => c.name === 'markDeadlineReached')).toHaveLength(1);
      expect((await handle.query('state')) as { deadlineReached: boolean }).toMatchObject({ deadlineReached: true });
      await handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor: reviewer }] });
      expect(await handle.result()).toMatchObject({ closed: 'decided' });
    });
    expect(calls.map((c) => c.name)).toEqual(['markDeadlineReached', 'applyDecision']);
  });

  it('when a review is decided before its deadline, then no deadline is recorded', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      await handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor: reviewer }] });
      await handle.result();
      await env.sleep('3 days');
    });
    expect(calls.map((c) => c.name)).toEqual(['applyDecision']);
  });
});
