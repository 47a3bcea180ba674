import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOW_BUNDLE } from '../../activities/worker.js';
import type { createActivities } from '../../activities/index.js';
import type { CityProgress } from '../../domain/numbers.js';
import type { Actor } from '../../domain/review.js';
import { deadlineChangedSignal, decideUpdate, type RoundState } from '../../workflows/messages.js';
import { issueNumbersUpdate } from '../../workflows/fulfilment/messages.js';
import type { ReviewRoundInput } from '../../workflows/review-lifecycle.js';
import { createTimeSkippingEnv } from '../../scripts/temporal/test-env.js';

type Activities = Pick<
  ReturnType<typeof createActivities>,
  'applyDecision' | 'assignReview' | 'markDeadlineReached' | 'markAtRisk' | 'readDeadline' | 'recordReminder' | 'escalateReminder' | 'replyToReminder' | 'openFulfilment' | 'issueNumbers' | 'markStageSla' | 'processBatch' | 'finishBatch'
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
const DAY = 24 * 3600_000;
const TEN_DAYS = 10 * DAY;

/**
 * Activities standing in for Postgres: an order of two cities (2 + 1 numbers), its stage
 * opened TEN_DAYS long from approval, issues counted; a batch that settles `perCall` numbers a call.
 */
function fakeActivities(opts: { total?: number; perCall?: number } = {}) {
  const calls: { name: string; args: unknown }[] = [];
  const cities: CityProgress[] = [{ city: '北京', ordered: 2, issued: 0 }, { city: '上海', ordered: 1, issued: 0 }];
  const seenKeys = new Set<string>();
  let processed = 0;
  const record = (name: string, args: unknown) => void calls.push({ name, args });
  const activities: Activities = {
    applyDecision: async (args) => (record('applyDecision', args), { applied: true }),
    assignReview: async (args) => record('assignReview', args),
    markDeadlineReached: async (args) => record('markDeadlineReached', args),
    markAtRisk: async (args) => record('markAtRisk', args),
    readDeadline: async (args) => (record('readDeadline', args), null),
    recordReminder: async (args) => (record('recordReminder', args), { answerDueAt: new Date(Date.parse(args.at) + 3600_000).toISOString() }),
    escalateReminder: async (args) => record('escalateReminder', args),
    replyToReminder: async (args) => record('replyToReminder', args),
    openFulfilment: async (args) => {
      record('openFulfilment', args);
      const now = await env.currentTimeMs();
      return { status: 'provisioning', deadline: { dueAt: new Date(now + TEN_DAYS).toISOString(), atRiskAt: new Date(now + TEN_DAYS * 0.75).toISOString(), version: 1 }, cities: cities.map((c) => ({ ...c })) };
    },
    issueNumbers: async (args) => {
      record('issueNumbers', args);
      if (!seenKeys.has(args.requestKey)) {
        seenKeys.add(args.requestKey);
        for (const c of args.cities) cities.find((x) => x.city === c.city)!.issued += c.numbers.length;
      }
      const complete = cities.every((c) => c.issued >= c.ordered);
      return { applied: true, cities: cities.map((c) => ({ ...c })), complete, issued: args.cities.reduce((n, c) => n + c.numbers.length, 0) };
    },
    markStageSla: async (args) => record('markStageSla', args),
    processBatch: async (args) => {
      record('processBatch', args);
      const total = opts.total ?? 0;
      processed = Math.min(total, processed + (opts.perCall ?? total));
      return { total, processed, released: processed, failed: 0, remaining: total - processed };
    },
    finishBatch: async (args) => (record('finishBatch', args), { status: 'completed', counts: { total: opts.total ?? 0, released: opts.total ?? 0, failed: 0 } }),
  };
  return { calls, activities, cities };
}

async function withWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(fn(taskQueue));
}

async function start(taskQueue: string, kind: 'number_order' | 'number_unsubscribe') {
  const now = await env.currentTimeMs();
  const input: ReviewRoundInput = {
    reviewId: randomUUID(),
    kind,
    round: 1,
    submittedAt: new Date(now).toISOString(),
    dueAt: new Date(now + DAY).toISOString(),
    atRiskAt: new Date(now + DAY * 0.75).toISOString(),
    assigneeId: null,
    stages: kind === 'number_order' ? { precheck: false, review: true, fulfilment: 'provisioning' } : { precheck: false, review: false, fulfilment: 'batch' },
  };
  return env.client.workflow.start('reviewLifecycle', { taskQueue, workflowId: `review-${input.reviewId}-round-1`, args: [input] });
}

const approve = { round: 1, outcome: 'approved' as const, reasonCode: null, reasonText: null, actor: reviewer };
const issue = (requestKey: string, cities: { city: string; numbers: string[] }[]) => ({ round: 1, requestKey, cities, actor: reviewer });
const state = async (h: Awaited<ReturnType<typeof start>>) => (await h.query('state')) as RoundState;

describe('the provisioning stage', () => {
  it('when numbers are sent before approval or more than a city ordered, then the validator refuses; once approved, partial issues leave the stage open until every city is complete', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const handle = await start(tq, 'number_order');
      await expect(handle.executeUpdate(issueNumbersUpdate, { args: [issue('early', [{ city: '北京', numbers: ['+861012345678'] }])] })).rejects.toMatchObject({ cause: { message: 'not_provisioning' } });
      await handle.executeUpdate(decideUpdate, { args: [approve] });
      await expect.poll(async () => (await state(handle)).stage).toBe('fulfilment');
      await expect(handle.executeUpdate(issueNumbersUpdate, { args: [issue('over', [{ city: '上海', numbers: ['+862112345678', '+862112345679'] }])] })).rejects.toMatchObject({
        cause: { message: 'over_issue', details: [{ code: 'over_issue', params: { city: '上海', ordered: '1', issued: '0', adding: '2' } }] },
      });
      await expect(handle.executeUpdate(issueNumbersUpdate, { args: [issue('dup', [{ city: '北京', numbers: ['+861012345678', '+861012345678'] }])] })).rejects.toMatchObject({ cause: { message: 'duplicate_number' } });
      await expect(handle.executeUpdate(issueNumbersUpdate, { args: [issue('bad', [{ city: '北京', numbers: ['010-1234'] }])] })).rejects.toMatchObject({ cause: { message: 'invalid_number' } });
      await expect(handle.executeUpdate(issueNumbersUpdate, { args: [{ ...issue('auditor', [{ city: '北京', numbers: ['+861012345678'] }]), actor: { id: 'a', name: 'Zhao', role: 'auditor' } }] })).rejects.toMatchObject({ cause: { message: 'role_may_not_issue' } });

      const first = await handle.executeUpdate(issueNumbersUpdate, { args: [issue('one', [{ city: '北京', numbers: ['+861012345678', '+861012345679'] }])] });
      expect(first).toMatchObject({ complete: false, issued: 2 });
      expect((await state(handle)).fulfilment).toMatchObject({ complete: false, cities: [{ city: '北京', issued: 2 }, { city: '上海', issued: 0 }] });
      await expect(handle.executeUpdate(issueNumbersUpdate, { args: [issue('more', [{ city: '北京', numbers: ['+861012345670'] }])] })).rejects.toMatchObject({ cause: { message: 'over_issue' } });
      // The same request twice (a double click): one issue.
      const [a, b] = await Promise.all([
        handle.executeUpdate(issueNumbersUpdate, { args: [issue('two', [{ city: '上海', numbers: ['+862112345678'] }])], updateId: 'issue-two' }),
        handle.executeUpdate(issueNumbersUpdate, { args: [issue('two', [{ city: '上海', numbers: ['+862112345678'] }])], updateId: 'issue-two' }),
      ]);
      expect(a).toEqual(b);
      expect(a.complete).toBe(true);
      expect(await handle.result()).toMatchObject({ closed: 'decided', decision: { outcome: 'approved' } });
    });
    expect(calls.map((c) => c.name)).toEqual(['applyDecision', 'openFulfilment', 'issueNumbers', 'issueNumbers']);
  });

  it('when the stage runs long, then it is marked at risk at 75% of its own deadline and breached at the deadline, and a recompute’s signal moves its timers', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const handle = await start(tq, 'number_order');
      await handle.executeUpdate(decideUpdate, { args: [approve] });
      await expect.poll(async () => (await state(handle)).stage).toBe('fulfilment');
      // Past the review round's own deadline (a day): nothing, the stage has its own.
      await env.sleep(2 * DAY);
      expect(calls.map((c) => c.name)).toEqual(['applyDecision', 'openFulfilment']);
      await env.sleep(TEN_DAYS * 0.75 - 2 * DAY + 60_000);
      expect(calls.filter((c) => c.name === 'markStageSla').map((c) => (c.args as { to: string }).to)).toEqual(['at_risk']);
      expect((await state(handle)).fulfilment?.sla).toBe('at_risk');
      // A recompute moved the deadline earlier: the breach follows the new one.
      const now = await env.currentTimeMs();
      const dueAt = new Date(now + 3600_000).toISOString();
      await handle.signal(deadlineChangedSignal, { version: 2, atRiskAt: new Date(now).toISOString(), dueAt });
      await env.sleep(2 * 3600_000);
      const marks = calls.filter((c) => c.name === 'markStageSla').map((c) => c.args as { to: string; dueAt: string; stage: string });
      expect(marks.map((m) => [m.to, m.stage])).toEqual([['at_risk', 'fulfilment'], ['breached', 'fulfilment']]);
      expect(marks[1]?.dueAt).toBe(dueAt);
      expect((await state(handle)).fulfilment).toMatchObject({ sla: 'breached', deadline: { dueAt, version: 2 } });
      // Breached, still open: the numbers are still issued and the stage closes.
      await handle.executeUpdate(issueNumbersUpdate, { args: [issue('all', [{ city: '北京', numbers: ['+861012345678', '+861012345679'] }, { city: '上海', numbers: ['+862112345678'] }])] });
      await handle.result();
    });
    expect(calls.filter((c) => c.name === 'markAtRisk' || c.name === 'markDeadlineReached')).toEqual([]);
  });

  it('when the order is rejected, then there is no provisioning stage', async () => {
    const { calls, activities } = fakeActivities();
    await withWorker(activities, async (tq) => {
      const handle = await start(tq, 'number_order');
      await handle.executeUpdate(decideUpdate, { args: [{ ...approve, outcome: 'rejected', reasonCode: 'other', reasonText: 'x' }] });
      expect(await handle.result()).toMatchObject({ closed: 'decided', decision: { outcome: 'rejected' } });
    });
    expect(calls.map((c) => c.name)).toEqual(['applyDecision']);
  });
});

describe('the batch stage', () => {
  it('when a 10,000-number batch is processed, then a few activity calls carry it to its end and the history stays short', async () => {
    const { calls, activities } = fakeActivities({ total: 10_000, perCall: 3_000 });
    await withWorker(activities, async (tq) => {
      const handle = await start(tq, 'number_unsubscribe');
      expect(await handle.result()).toEqual({ closed: 'processed', batch: { status: 'completed', counts: { total: 10_000, released: 10_000, failed: 0 } } });
      const history = await handle.fetchHistory();
      expect(history.events?.length).toBeLessThan(60);
    });
    expect(calls.map((c) => c.name)).toEqual(['processBatch', 'processBatch', 'processBatch', 'processBatch', 'finishBatch']);
  });
});
