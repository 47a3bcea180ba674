import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { WORKFLOW_BUNDLE } from '../../activities/worker.js';
import type { createActivities } from '../../activities/index.js';
import type { Actor } from '../../domain/review.js';
import { deadlineChangedSignal, decideUpdate, remindUpdate, replyUpdate, supersedeSignal, withdrawSignal, type RoundState } from '../../workflows/messages.js';
import type { ReviewRoundInput } from '../../workflows/review-lifecycle.js';
import { createTimeSkippingEnv } from '../../scripts/temporal/test-env.js';

/** The activities reviewRound calls. */
type Activities = Pick<
  ReturnType<typeof createActivities>,
  'applyDecision' | 'assignReview' | 'markDeadlineReached' | 'markAtRisk' | 'readDeadline' | 'recordReminder' | 'escalateReminder' | 'replyToReminder'
>;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflowCode(WORKFLOW_BUNDLE)]);
});

afterAll(async () => {
  await env?.teardown();
});

const reviewer: Actor = { id: 'staff-1', name: 'Li', role: 'reviewer' };

let readDeadlineAnswer: Awaited<ReturnType<Activities['readDeadline']>> = null;

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
    markAtRisk: async (args) => {
      calls.push({ name: 'markAtRisk', args });
    },
    readDeadline: async (args) => {
      calls.push({ name: 'readDeadline', args });
      return readDeadlineAnswer;
    },
    recordReminder: async (args) => {
      calls.push({ name: 'recordReminder', args });
      return { answerDueAt: new Date(Date.parse(args.at) + 2 * 3600_000).toISOString() };
    },
    escalateReminder: async (args) => {
      calls.push({ name: 'escalateReminder', args });
    },
    replyToReminder: async (args) => {
      calls.push({ name: 'replyToReminder', args });
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
    atRiskAt: new Date(now + dueInMs * 0.75).toISOString(),
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
      await expect(second).rejects.toMatchObject({ cause: { message: 'already_decided', details: [{ code: 'already_decided', params: { outcome: 'approved', by: 'Li' } }] } });
      release();
      expect((await first).outcome).toBe('approved');
      expect(await handle.result()).toMatchObject({ closed: 'decided', decision: { outcome: 'approved' } });
    });
    // The write runs as a local activity held open here; should the test server let the workflow
    // task time out meanwhile, the Update is delivered again and the write repeated, which the real
    // write recognises as the same decision. Every write is of that one decision, never the second.
    const writes = calls.filter((c) => c.name === 'applyDecision').map((c) => (c.args as { decision: { outcome: string; decidedBy: { id: string } } }).decision);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(writes.map((d) => `${d.outcome}:${d.decidedBy.id}`))).toEqual(new Set([`approved:${reviewer.id}`]));
  });

  it('when an operator asks a parked round for its stack trace, then it names where the round waits, in the workflow source, within five frames each', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      await expect.poll(async () => ((await handle.query('state')) as RoundState).stage).toBe('review');
      const trace = await handle.query<string>('__stack_trace');
      expect(trace).toMatch(/watchDeadline \(.*workflows\/round\/deadline\.ts:\d+:\d+\)/);
      expect(trace).toMatch(/watchReminders \(.*workflows\/round\/reminders\.ts:\d+:\d+\)/);
      expect(trace).toMatch(/workflows\/round\/index\.ts:\d+:\d+/);
      for (const stack of trace.split(/\n\s*\n/)) expect(stack.split('\n').filter((l) => l.trim().startsWith('at ')).length).toBeLessThanOrEqual(5);
      await handle.terminate();
    });
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
      await expect(handle.executeUpdate(decideUpdate, { args: [{ ...base, round: 2, actor: reviewer }] })).rejects.toMatchObject({ cause: { message: 'stale_round' } });
      await expect(handle.executeUpdate(decideUpdate, { args: [{ ...base, round: 1, actor: { id: 'a', name: 'Zhao', role: 'auditor' } }] })).rejects.toMatchObject({
        cause: { message: 'role_may_not_decide', details: [{ code: 'role_may_not_decide', params: { role: 'auditor' } }] },
      });
      await handle.executeUpdate('claim', { args: [{ round: 1, actor: { id: 'other', name: 'Wang', role: 'reviewer' } }] });
      await expect(handle.executeUpdate(decideUpdate, { args: [{ ...base, round: 1, actor: reviewer }] })).rejects.toMatchObject({ cause: { message: 'not_assigned_to_you' } });
      await handle.signal(withdrawSignal);
      expect(await handle.result()).toEqual({ closed: 'withdrawn' });
    });
    expect(calls.map((c) => c.name)).toEqual(['assignReview']);
  });

  it('when writing a decision fails for good, then the round takes the next decision instead of claiming one it never stored', async () => {
    let failures = 1;
    const { calls, activities } = recordingActivities();
    const applyDecision = activities.applyDecision;
    activities.applyDecision = async (args) => {
      if (failures-- > 0) throw ApplicationFailure.nonRetryable('the database refused the row', 'Broken');
      return applyDecision(args);
    };
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      const decision = { round: 1, outcome: 'approved' as const, reasonCode: null, reasonText: null, actor: reviewer };
      await expect(handle.executeUpdate(decideUpdate, { args: [decision] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((await handle.query('state')) as RoundState).decision).toBeNull();
      expect((await handle.executeUpdate(decideUpdate, { args: [decision] })).outcome).toBe('approved');
      expect(await handle.result()).toMatchObject({ closed: 'decided', decision: { outcome: 'approved' } });
    });
    expect(calls.filter((c) => c.name === 'applyDecision')).toHaveLength(1);
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
      ).rejects.toMatchObject({ cause: { message: 'stale_round' } });
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
    expect(calls.map((c) => c.name)).toEqual(['readDeadline', 'markAtRisk', 'readDeadline', 'markDeadlineReached', 'applyDecision']);
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

describe('SLA timers', () => {
  it('when 75% of the working time passes, then at-risk fires once at that instant, and the breach follows at the deadline', async () => {
    readDeadlineAnswer = null;
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle, input } = await start(tq, TWO_DAYS);
      await env.sleep(TWO_DAYS * 0.75 - 60_000);
      expect(calls.map((c) => c.name)).toEqual([]);
      await env.sleep(120_000);
      expect(calls.map((c) => c.name)).toEqual(['readDeadline', 'markAtRisk']);
      expect(((await handle.query('state')) as RoundState).sla).toBe('at_risk');
      await env.sleep(TWO_DAYS * 0.25);
      expect(calls.map((c) => c.name)).toEqual(['readDeadline', 'markAtRisk', 'readDeadline', 'markDeadlineReached']);
      expect(calls[3]?.args).toMatchObject({ reviewId: input.reviewId, round: 1, dueAt: input.dueAt });
      await handle.signal(withdrawSignal);
      await handle.result();
    });
  });

  it('when a recompute signals an earlier deadline, then the timers move earlier; an older version is ignored', async () => {
    readDeadlineAnswer = null;
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, TWO_DAYS);
      const now = await env.currentTimeMs();
      await handle.signal(deadlineChangedSignal, { version: 2, atRiskAt: new Date(now + 3600_000).toISOString(), dueAt: new Date(now + 7200_000).toISOString() });
      await handle.signal(deadlineChangedSignal, { version: 1, atRiskAt: new Date(now + 60_000).toISOString(), dueAt: new Date(now + 120_000).toISOString() });
      await env.sleep(30 * 60_000);
      expect(calls.map((c) => c.name)).toEqual([]);
      await env.sleep(95 * 60_000);
      expect(calls.map((c) => c.name)).toEqual(['readDeadline', 'markAtRisk', 'readDeadline', 'markDeadlineReached']);
      await handle.signal(withdrawSignal);
      await handle.result();
    });
  });

  it('when a recompute moved the deadline later without a signal, then waking up re-reads it and nothing fires early', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle, input } = await start(tq, TWO_DAYS);
      const later = Date.parse(input.dueAt) + TWO_DAYS;
      readDeadlineAnswer = { version: 1, atRiskAt: new Date(later - TWO_DAYS / 2).toISOString(), dueAt: new Date(later).toISOString() };
      await env.sleep(TWO_DAYS);
      expect(calls.map((c) => c.name)).toEqual(['readDeadline']);
      expect(((await handle.query('state')) as RoundState).sla).toBe('on_track');
      await env.sleep(TWO_DAYS / 2 + 60_000);
      expect(calls.map((c) => c.name)).toEqual(['readDeadline', 'readDeadline', 'markAtRisk']);
      await handle.signal(withdrawSignal);
      await handle.result();
    });
    readDeadlineAnswer = null;
  });
});

describe('reminders', () => {
  const remind = (at: number) => ({ round: 1, at: new Date(at).toISOString(), maxPerRound: 3, coolDownMinutes: 240 });

  it('when a reminder is not answered in time, then it escalates once; a reply answers the next one', async () => {
    readDeadlineAnswer = null;
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, 10 * TWO_DAYS);
      const t0 = await env.currentTimeMs();
      const first = await handle.executeUpdate(remindUpdate, { args: [remind(t0)] });
      expect(first.number).toBe(1);
      await env.sleep(2 * 3600_000 + 60_000);
      expect(calls.filter((c) => c.name === 'escalateReminder')).toHaveLength(1);
      await env.sleep(5 * 3600_000);
      const second = await handle.executeUpdate(remindUpdate, { args: [remind(await env.currentTimeMs())] });
      expect(second.number).toBe(2);
      await handle.executeUpdate(replyUpdate, { args: [{ round: 1, actor: reviewer, message: '正在处理' }] });
      await env.sleep(3 * 3600_000);
      expect(calls.filter((c) => c.name === 'escalateReminder')).toHaveLength(1);
      expect(calls.filter((c) => c.name === 'replyToReminder')).toHaveLength(1);
      await handle.signal(withdrawSignal);
      await handle.result();
    });
  });

  it('when reminders race past the cool-down or the limit, or the review is decided, then the validator refuses', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, 10 * TWO_DAYS);
      const t0 = await env.currentTimeMs();
      await handle.executeUpdate(remindUpdate, { args: [remind(t0)] });
      await expect(handle.executeUpdate(remindUpdate, { args: [remind(t0 + 60_000)] })).rejects.toMatchObject({ cause: { message: 'cool_down' } });
      await handle.executeUpdate(remindUpdate, { args: [remind(t0 + 4 * 3600_000)] });
      await handle.executeUpdate(remindUpdate, { args: [remind(t0 + 8 * 3600_000)] });
      await expect(handle.executeUpdate(remindUpdate, { args: [remind(t0 + 12 * 3600_000)] })).rejects.toMatchObject({ cause: { message: 'limit_reached' } });
      await handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor: reviewer }] });
      await handle.result();
    });
  });

  it('when a reminder is accepted, then its answer rule is the one that travelled with it', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, 10 * TWO_DAYS);
      const answerWithin = { type: 'working_minutes' as const, minutes: 30 };
      await handle.executeUpdate(remindUpdate, { args: [{ ...remind(await env.currentTimeMs()), answerWithin }] });
      await handle.signal(withdrawSignal);
      await handle.result();
    });
    expect(calls.find((c) => c.name === 'recordReminder')?.args).toMatchObject({ answerWithin: { type: 'working_minutes', minutes: 30 } });
  });

  it('when a decision answers an open reminder, then it never escalates', async () => {
    const { calls, activities } = recordingActivities();
    await withWorker(activities, async (tq) => {
      const { handle } = await start(tq, 10 * TWO_DAYS);
      await handle.executeUpdate(remindUpdate, { args: [remind(await env.currentTimeMs())] });
      await handle.executeUpdate(decideUpdate, { args: [{ round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor: reviewer }] });
      await handle.result();
      await env.sleep(5 * 3600_000);
    });
    expect(calls.map((c) => c.name)).toEqual(['recordReminder', 'applyDecision']);
  });
});
