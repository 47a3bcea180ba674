/**
 * Records workflow histories of real runs for the replay tests (test/workflow/replay.test.ts).
 * Run after a deliberate, compatible change to the workflows, review the diff, and commit:
 *
 *   npx tsx scripts/record-histories.ts
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
import { claimUpdate, decideUpdate, remindUpdate, replyUpdate, supersedeSignal, withdrawSignal } from '../workflows/messages.js';
import { findTemporalCli } from './temporal/binaries.js';
import { startDevServer } from './temporal/dev-server.js';

/** The activities reviewRound calls. */
type Activities = Pick<
  ReturnType<typeof createActivities>,
  'applyDecision' | 'assignReview' | 'markDeadlineReached' | 'markAtRisk' | 'readDeadline' | 'recordReminder' | 'escalateReminder' | 'replyToReminder'
>;
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/workflow/histories');
const actor = { id: 'staff-li', name: 'Li', role: 'reviewer' as const };
/** Bump when recording after a patched() change; older recordings stay and must keep replaying. */
const HISTORY_PREFIX = 'v2-';

async function main(): Promise<void> {
  const dev = await startDevServer({ log: () => undefined });
  const cli = await findTemporalCli();
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection, namespace: dev.namespace });
  const nativeConnection = await NativeConnection.connect({ address: dev.address });
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath });
    let stale = false;
    const activities: Activities = {
      applyDecision: async () => (stale ? { applied: false, reason: 'stale' } : { applied: true }),
      assignReview: async () => undefined,
      markDeadlineReached: async () => undefined,
      markAtRisk: async () => undefined,
      readDeadline: async () => null,
      recordReminder: async (args) => ({ answerDueAt: new Date(Date.parse(args.at) + 2000).toISOString() }),
      escalateReminder: async () => undefined,
      replyToReminder: async () => undefined,
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

    await worker.runUntil(async () => {
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
