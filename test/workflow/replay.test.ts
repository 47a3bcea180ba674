import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLE } from '../../activities/worker.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

/**
 * Histories recorded from real runs (scripts/record-histories.ts) must replay against the
 * current workflow code: a change that would break running reviews fails here. Changes to
 * running logic go behind patched().
 */
describe('replaying recorded histories', () => {
  it('when every recorded history (review rounds, number orders with provisioning, unsubscribe batches) is replayed, then none is non-deterministic', async () => {
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(6);
    // Every lifecycle shape has recordings: a change to one of them cannot pass unreplayed.
    for (const group of ['review-round', 'number-order', 'number-unsubscribe']) expect(files.some((f) => f.includes(`-${group}.`)), group).toBe(true);
    const workflowBundle = await bundleWorkflowCode(WORKFLOW_BUNDLE);
    const histories = await Promise.all(
      files.map(async (f) => ({ workflowId: f, history: JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')) as unknown })),
    );
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
