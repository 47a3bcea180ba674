/**
 * Records workflow histories of real runs for the replay tests (test/workflow/replay.test.ts).
 * Run after a deliberate, compatible change to the workflows, review the diff, and commit:
 *
 *   npx tsx scripts/record-histories.ts         # every set
 *   npx tsx scripts/record-histories.ts v3      # only the lifecycles with stages (pre-check, reminder rule changes)
 *
 * Each scenario runs `reviewRound` on a real Temporal dev server with activities that answer
 * as the real ones would; the history is exported by the Temporal CLI in its JSON format.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { workflowsPath } from '../activities/worker.js';
import type { createActivities } from '../activities/index.js';
import { claimUpdate, decideUpdate, reminderRuleChangedSignal, remindUpdate, replyUpdate, supersedeSignal, withdrawSignal } from '../workflows/messages.js';
import { findTemporalCli } from './temporal/binaries.js';
import { startDevServer } from './temporal/dev-server.js';

/** The activities reviewRound calls. */
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
>;
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/workflow/histories');
const actor = { id: 'staff-li', name: 'Li', role: 'reviewer' as const };
/** Bump when recording after a patched() change; older recordings stay and must keep replaying. */
const HISTORY_PREFIX = 'v2-';
/** Lifecycles started with stages: a pre-check before the round, open reminders told of a rule change. */
const STAGED_PREFIX = 'v3-';
const only = process.argv[2];

async function main(): Promise<void> {
  const dev = await startDevServer({ log: () => undefined });
  const cli = await findTemporalCli();
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection, namespace: dev.namespace });
  const nativeConnection = await NativeConnection.connect({ address: dev.address });
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath });
    let stale = false;
    let precheckFails = false;
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

    const scenarios: Record<string, (h: WorkflowHandle) => Promise<void>> = {
      approved: async (h) => void (await h.executeUpdate(decideUpdate, { args: [decide('approved')] })),
      'claimed-then-rejected': async (h) => {
        await h.executeUpdate(claimUpdate, { args: [{ round: 1, actor }] });
        await h.executeUpdate(decideUpdate, { args: [decide('rejected')] });
      },
      superseded: (h) => h.signal(supersedeSignal, { nextRound: 2 }),
      withdrawn: (h) => h.signal(withdrawSignal),
      'deadline-then-approved': async (h) => {
        await new Promise((r) => setTimeout(r, 4000));
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
      },
      'reminded-then-replied': async (h) => {
        await h.executeUpdate(remindUpdate, { args: [{ round: 1, at: new Date().toISOString(), maxPerRound: 3, coolDownMinutes: 240 }] });
        await h.executeUpdate(replyUpdate, { args: [{ round: 1, actor, message: '正在处理' }] });
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
      },
      'reminded-then-escalated': async (h) => {
        await h.executeUpdate(remindUpdate, { args: [{ round: 1, at: new Date().toISOString(), maxPerRound: 3, coolDownMinutes: 240 }] });
        await new Promise((r) => setTimeout(r, 3500));
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] });
      },
      'stale-decision': async (h) => {
        stale = true;
        await h.executeUpdate(decideUpdate, { args: [decide('approved')] }).catch(() => undefined);
        stale = false;
      },
    };

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
      if (only === 'v3') return;
      for (const [name, run] of Object.entries(scenarios)) {
        const now = Date.now();
        const dueInMs = name === 'deadline-then-approved' ? 2000 : 2 * 86400_000;
        const atRiskInMs = name === 'deadline-then-approved' ? 1000 : 1.5 * 86400_000;
        const reviewId = randomUUID();
        const handle = await client.workflow.start('reviewRound', {
          taskQueue,
          workflowId: `review-${reviewId}-round-1`,
          args: [{ reviewId, kind: 'voice_template', round: 1, submittedAt: new Date(now).toISOString(), dueAt: new Date(now + dueInMs).toISOString(), atRiskAt: new Date(now + atRiskInMs).toISOString(), assigneeId: null }],
        });
        await run(handle);
        await handle.result().catch(() => undefined);
        const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--address', dev.address, '--namespace', dev.namespace, '--workflow-id', handle.workflowId, '--output', 'json'], { maxBuffer: 16 << 20 });
        await fs.writeFile(path.join(outDir, `${HISTORY_PREFIX}review-round.${name}.json`), stdout);
        process.stdout.write(`recorded ${name}\n`);
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
