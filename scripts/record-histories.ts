/**
 * Records workflow histories of real runs for the replay tests (test/workflow/replay.test.ts).
 * Run after a deliberate, compatible change to the workflows, review the diff, and commit:
 *
 *   npx tsx scripts/record-histories.ts                  (every scenario)
 *   npx tsx scripts/record-histories.ts number-order     (only the scenarios of one group)
 *   npx tsx scripts/record-histories.ts v3               (only the lifecycles with a pre-check or a reminder rule change)
 *   npx tsx scripts/record-histories.ts v4               (the same lifecycles, recorded as v4-: the pre-check and staff writes as local activities)
 *
 * Groups: review-round (a voice template's round), number-order (review, then provisioning),
 * number-unsubscribe (a batch). Each scenario runs the lifecycle on a real Temporal dev server
 * with activities that answer as the real ones would; the history is exported by the Temporal
 * CLI in its JSON format.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE } from '../activities/worker.js';
import type { createActivities } from '../activities/index.js';
import { claimUpdate, decideUpdate, reminderRuleChangedSignal, remindUpdate, replyUpdate, supersedeSignal, withdrawSignal } from '../workflows/messages.js';
import { issueNumbersUpdate } from '../workflows/fulfilment/messages.js';
import type { CityProgress } from '../domain/numbers.js';
import type { ReviewRoundInput } from '../workflows/review-lifecycle.js';
import { findTemporalCli } from './temporal/binaries.js';
import { startDevServer } from './temporal/dev-server.js';

/** The activities the lifecycles call. */
type Activities = Pick<
  ReturnType<typeof createActivities>,
  | 'applyDecision'
  | 'assignReview'
  | 'markDeadlineReached'
  | 'markAtRisk'
  | 'readDeadline'
  | 'recordReminder'
  | 'escalateReminder'
  | 'replyToReminder'
  | 'precheckSubmission'
  | 'readReminderAnswers'
  | 'openFulfilment'
  | 'issueNumbers'
  | 'markStageSla'
  | 'processBatch'
  | 'finishBatch'
>;

type Group = 'review-round' | 'number-order' | 'number-unsubscribe';

interface Scenario {
  group: Group;
  run: (h: WorkflowHandle) => Promise<void>;
  /** The review round's deadline (and at-risk instant) from the start, in ms. */
  dueInMs?: number;
  atRiskInMs?: number;
}
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/workflow/histories');
const actor = { id: 'staff-li', name: 'Li', role: 'reviewer' as const };
/** Bump when recording after a patched() change; older recordings stay and must keep replaying. */
const HISTORY_PREFIX = 'v2-';
const only = process.argv[2];
/**
 * Lifecycles started with stages: a pre-check before the round, open reminders told of a rule change.
 * v3- recordings ran the pre-check and staff writes as activity tasks; v4- ones (recorded with `v4`,
 * leaving the v3- files as they are) as local activities.
 */
const STAGED_PREFIX = only === 'v4' ? 'v4-' : 'v3-';

async function main(): Promise<void> {
  const dev = await startDevServer({ log: () => undefined });
  const cli = await findTemporalCli();
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection, namespace: dev.namespace });
  const nativeConnection = await NativeConnection.connect({ address: dev.address });
  try {
    const bundle = await bundleWorkflowCode(WORKFLOW_BUNDLE);
    let stale = false;
    let precheckFails = false;
    // An order of two cities (2 + 1 numbers); its provisioning stage lasts `stageMs` from approval.
    let cities: CityProgress[] = [];
    let stageMs = 10 * 86400_000;
    let batchLeft = 0;
    const activities: Activities = {
      applyDecision: async () => (stale ? { applied: false, reason: 'stale' } : { applied: true }),
      assignReview: async () => undefined,
      markDeadlineReached: async () => undefined,
      markAtRisk: async () => undefined,
      readDeadline: async () => null,
      recordReminder: async (args) => ({ answerDueAt: new Date(Date.parse(args.at) + 2000).toISOString() }),
      escalateReminder: async () => undefined,
      replyToReminder: async () => undefined,
      precheckSubmission: async () =>
        precheckFails ? { passed: false, reasonCode: 'banned_words', reasonText: '包含禁用词：“免费” / Contains banned words: “免费”' } : { passed: true },
      readReminderAnswers: async (args) => Object.fromEntries(args.reminders.map((r) => [String(r.number), new Date(Date.parse(r.at) + 5000).toISOString()])),
      openFulfilment: async () => {
        cities = [{ city: '北京', ordered: 2, issued: 0 }, { city: '上海', ordered: 1, issued: 0 }];
        const now = Date.now();
        return { status: 'provisioning', deadline: { dueAt: new Date(now + stageMs).toISOString(), atRiskAt: new Date(now + stageMs * 0.75).toISOString(), version: 1 }, cities: cities.map((c) => ({ ...c })) };
      },
      issueNumbers: async (args) => {
        for (const c of args.cities) cities.find((x) => x.city === c.city)!.issued += c.numbers.length;
        const issued = args.cities.reduce((n, c) => n + c.numbers.length, 0);
        return { applied: true, cities: cities.map((c) => ({ ...c })), complete: cities.every((c) => c.issued >= c.ordered), issued };
      },
      markStageSla: async () => undefined,
      processBatch: async () => {
        batchLeft = Math.max(0, batchLeft - 4000);
        return { total: 10_000, processed: 10_000 - batchLeft, released: 10_000 - batchLeft - 10, failed: 10, remaining: batchLeft };
      },
      finishBatch: async () => ({ status: 'partially_succeeded', counts: { total: 10_000, released: 9_990, failed: 10 } }),
    };
    const taskQueue = `record-${randomUUID()}`;
    const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: bundle, activities });
    const decide = (outcome: 'approved' | 'rejected') => ({
      round: 1,
      outcome,
      reasonCode: outcome === 'rejected' ? 'content_unclear' : null,
      reasonText: null,
      actor,
    });
    const issue = (requestKey: string, list: { city: string; numbers: string[] }[]) => ({ round: 1, requestKey, cities: list, actor });
    const provisioning = async (h: WorkflowHandle) => {
      for (let i = 0; i < 50 && ((await h.query('state')) as { stage?: string }).stage !== 'fulfilment'; i++) await new Promise((r) => setTimeout(r, 100));
    };

    const reviewRound = (run: Scenario['run'], more: Partial<Scenario> = {}): Scenario => ({ group: 'review-round', run, ...more });
    const scenarios: Record<string, Scenario> = {
      approved: reviewRound(async (h) => void (await h.executeUpdate(decideUpdate, { args: [decide('approved')] }))),
      'claimed-then-rejected': reviewRound(async (h) => {
        await h.executeUpdate(claimUpdate, { args: [{ round: 1, actor }] });
        await h.executeUpdate(decideUpdate, { args: [decide('rejected')] });
      }),
      superseded: reviewRound((h) => h.signal(supersedeSignal, { nextRound: 2 })),
      withdrawn: reviewRound((h) => h.signal(withdrawSignal)),
      'deadline-then-approved': reviewRound(
        async (h) => {
          await new Promise((r) => setTimeout(r, 4000));
          await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
        },
        { dueInMs: 2000, atRiskInMs: 1000 },
      ),
      'reminded-then-replied': reviewRound(async (h) => {
        await h.executeUpdate(remindUpdate, { args: [{ round: 1, at: new Date().toISOString(), maxPerRound: 3, coolDownMinutes: 240 }] });
        await h.executeUpdate(replyUpdate, { args: [{ round: 1, actor, message: '正在处理' }] });
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
      }),
      'reminded-then-escalated': reviewRound(async (h) => {
        await h.executeUpdate(remindUpdate, { args: [{ round: 1, at: new Date().toISOString(), maxPerRound: 3, coolDownMinutes: 240 }] });
        await new Promise((r) => setTimeout(r, 3500));
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
      }),
      'stale-decision': reviewRound(async (h) => {
        stale = true;
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] }).catch(() => undefined);
        stale = false;
      }),
      'approved-then-issued-in-two-goes': {
        group: 'number-order',
        run: async (h) => {
          stageMs = 10 * 86400_000;
          await h.executeUpdate(issueNumbersUpdate, { args: [issue('early', [{ city: '北京', numbers: ['+861012345678'] }])] }).catch(() => undefined);
          await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
          await provisioning(h);
          await h.executeUpdate(issueNumbersUpdate, { args: [issue('over', [{ city: '上海', numbers: ['+862112345678', '+862112345679'] }])] }).catch(() => undefined);
          await h.executeUpdate(issueNumbersUpdate, { args: [issue('first', [{ city: '北京', numbers: ['+861012345678', '+861012345679'] }])], updateId: 'issue-first' });
          await h.executeUpdate(issueNumbersUpdate, { args: [issue('first', [{ city: '北京', numbers: ['+861012345678', '+861012345679'] }])], updateId: 'issue-first' });
          await h.executeUpdate(issueNumbersUpdate, { args: [issue('second', [{ city: '上海', numbers: ['+862112345678'] }])] });
        },
      },
      'provisioning-breached-then-issued': {
        group: 'number-order',
        run: async (h) => {
          stageMs = 2000;
          await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
          await provisioning(h);
          await new Promise((r) => setTimeout(r, 3500));
          await h.executeUpdate(issueNumbersUpdate, { args: [issue('all', [{ city: '北京', numbers: ['+861012345678', '+861012345679'] }, { city: '上海', numbers: ['+862112345678'] }])] });
        },
      },
      rejected: { group: 'number-order', run: async (h) => void (await h.executeUpdate(decideUpdate, { args: [decide('rejected')] })) },
      'checked-in-slices': {
        group: 'number-unsubscribe',
        run: async () => {
          // The batch runs on its own; processBatch reports 4,000 more settled per call.
        },
      },
    };
    if (only && !['review-round', 'number-order', 'number-unsubscribe', 'v3', 'v4'].includes(only)) throw new Error(`unknown group ${only}: review-round, number-order, number-unsubscribe, v3 or v4`);

    /** A decision sent while the pre-check runs is refused: wait for the round to take it, as the server does. */
    const whenReviewing = async <T>(send: () => Promise<T>): Promise<T> => {
      for (;;) {
        try {
          return await send();
        } catch (err) {
          if (!String((err as Error)?.cause ?? err).includes('precheck_running') && !String(err).includes('precheck_running')) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const staged: Record<string, (h: WorkflowHandle) => Promise<void>> = {
      'precheck-passed-then-approved': async (h) => void (await whenReviewing(() => h.executeUpdate(decideUpdate, { args: [decide('approved')] }))),
      'precheck-rejected': async () => {
        precheckFails = true;
      },
      'reminder-rule-changed-then-replied': async (h) => {
        await whenReviewing(() => h.executeUpdate(remindUpdate, { args: [{ round: 1, at: new Date().toISOString(), maxPerRound: 3, coolDownMinutes: 240 }] }));
        await h.signal(reminderRuleChangedSignal);
        await new Promise((r) => setTimeout(r, 1000));
        await h.executeUpdate(replyUpdate, { args: [{ round: 1, actor, message: '正在处理' }] });
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
      },
    };

    await worker.runUntil(async () => {
      for (const [name, run] of Object.entries(staged)) {
        if (only && only !== 'v3' && only !== 'v4') break;
        const now = Date.now();
        const reviewId = randomUUID();
        if (name !== 'precheck-rejected') precheckFails = false;
        else await run(undefined as unknown as WorkflowHandle);
        const handle = await client.workflow.start('reviewLifecycle', {
          taskQueue,
          workflowId: `review-${reviewId}-round-1`,
          args: [
            {
              reviewId,
              kind: 'voice_template',
              round: 1,
              submittedAt: new Date(now).toISOString(),
              dueAt: new Date(now + 2 * 86400_000).toISOString(),
              atRiskAt: new Date(now + 1.5 * 86400_000).toISOString(),
              assigneeId: null,
              stages: { precheck: true, review: true, fulfilment: null },
            },
          ],
        });
        if (name !== 'precheck-rejected') await run(handle);
        await handle.result().catch(() => undefined);
        precheckFails = false;
        const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--address', dev.address, '--namespace', dev.namespace, '--workflow-id', handle.workflowId, '--output', 'json'], { maxBuffer: 16 << 20 });
        await fs.writeFile(path.join(outDir, `${STAGED_PREFIX}review-lifecycle.${name}.json`), stdout);
        process.stdout.write(`recorded ${name}\n`);
      }
      if (only === 'v3' || only === 'v4') return;
      for (const [name, scenario] of Object.entries(scenarios)) {
        if (only && scenario.group !== only) continue;
        const now = Date.now();
        const dueInMs = scenario.dueInMs ?? 2 * 86400_000;
        const atRiskInMs = scenario.atRiskInMs ?? 1.5 * 86400_000;
        const reviewId = randomUUID();
        batchLeft = 10_000;
        const input: ReviewRoundInput = {
          reviewId,
          kind: scenario.group === 'review-round' ? 'voice_template' : scenario.group === 'number-order' ? 'number_order' : 'number_unsubscribe',
          round: 1,
          submittedAt: new Date(now).toISOString(),
          dueAt: new Date(now + dueInMs).toISOString(),
          atRiskAt: new Date(now + atRiskInMs).toISOString(),
          assigneeId: null,
          ...(scenario.group === 'number-order' ? { stages: { precheck: false, review: true, fulfilment: 'provisioning' as const } } : {}),
          ...(scenario.group === 'number-unsubscribe' ? { stages: { precheck: false, review: false, fulfilment: 'batch' as const } } : {}),
        };
        // Review rounds keep the name they were first recorded under; the later lifecycles start by their own.
        const handle = await client.workflow.start(scenario.group === 'review-round' ? 'reviewRound' : 'reviewLifecycle', { taskQueue, workflowId: `review-${reviewId}-round-1`, args: [input] });
        await scenario.run(handle);
        await handle.result().catch(() => undefined);
        const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--address', dev.address, '--namespace', dev.namespace, '--workflow-id', handle.workflowId, '--output', 'json'], { maxBuffer: 16 << 20 });
        await fs.writeFile(path.join(outDir, `${HISTORY_PREFIX}${scenario.group}.${name}.json`), stdout);
        process.stdout.write(`recorded ${scenario.group}.${name}\n`);
      }
    });
  } finally {
    await nativeConnection.close();
    await connection.close();
    await dev.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
