import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

/**
 * The one recompute of open deadlines per deployment (workflow id 'recompute-deadlines', see
 * temporal/recompute-client.ts). Rule and calendar changes bump the global rules version and
 * signal it here with signalWithStart; it keeps the highest version requested and, while that is
 * above the version done, runs passes of `recomputePage` until a page reports nothing left.
 *
 * Nothing is lost: a request arriving during a pass raises `requested` above the pass's target,
 * so another pass follows (and the pages themselves label rows with the newest version they read,
 * so that pass usually finds little). A pass is stateless (rows behind the target, read through an
 * index), so continuing as new in the middle of one, or a retried page, only re-reads what is
 * still behind. When idle for `idleTimeoutMs` the workflow completes; the next signalWithStart
 * starts a fresh run.
 */

export interface RecomputeRequest {
  /** The rules version the change committed. */
  targetVersion: number;
  /** What changed, for people reading the history ("rule voice_template", "calendar"). */
  reason: string;
}

export interface RecomputeInput {
  requested?: number;
  done?: number;
  /** Rows per page (default 1,000). */
  pageSize?: number;
  /** Complete after this long without work (default 10 minutes). */
  idleTimeoutMs?: number;
  /** Continue as new after this many pages in one run (default 500), to bound the history. */
  maxPagesPerRun?: number;
  /** Totals carried across runs. */
  totals?: RecomputeTotals;
}

export interface RecomputeTotals {
  passes: number;
  pages: number;
  processed: number;
  moved: number;
  signalled: number;
}

export interface RecomputeStatus {
  requested: number;
  done: number;
  /** A pass is running (false while waiting for requests). */
  running: boolean;
  /** The target of the running or last pass. */
  target: number;
  lastReason: string | null;
  totals: RecomputeTotals;
}

export const recomputeRequestedSignal = defineSignal<[RecomputeRequest]>('recomputeRequested');
export const recomputeStatusQuery = defineQuery<RecomputeStatus>('recomputeStatus');

const { recomputePage } = proxyActivities<Pick<ReturnType<typeof createActivities>, 'recomputePage'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function recomputeDeadlines(input: RecomputeInput = {}): Promise<RecomputeStatus> {
  const pageSize = input.pageSize ?? 1000;
  const idleTimeoutMs = input.idleTimeoutMs ?? 10 * 60_000;
  const maxPagesPerRun = input.maxPagesPerRun ?? 500;
  const status: RecomputeStatus = {
    requested: input.requested ?? 0,
    done: input.done ?? 0,
    running: false,
    target: input.done ?? 0,
    lastReason: null,
    totals: { passes: 0, pages: 0, processed: 0, moved: 0, signalled: 0, ...input.totals },
  };

  setHandler(recomputeRequestedSignal, (req) => {
    if (req.targetVersion > status.requested) {
      status.requested = req.targetVersion;
      status.lastReason = req.reason;
    }
  });
  setHandler(recomputeStatusQuery, () => status);

  let pagesThisRun = 0;
  for (;;) {
    if (status.requested <= status.done) {
      status.running = false;
      const more = await condition(() => status.requested > status.done, idleTimeoutMs);
      if (!more && status.requested <= status.done) break;
    }
    status.running = true;
    const target = status.requested;
    status.target = target;
    status.totals.passes += 1;
    for (;;) {
      if (pagesThisRun >= maxPagesPerRun || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        // The pass resumes in the next run: it re-reads whatever is still behind.
        await continueAsNew<typeof recomputeDeadlines>({ ...input, requested: status.requested, done: status.done, totals: status.totals });
      }
      const page = await recomputePage({ targetVersion: target, limit: pageSize });
      pagesThisRun += 1;
      status.totals.pages += 1;
      status.totals.processed += page.processed;
      status.totals.moved += page.moved;
      status.totals.signalled += page.signalled;
      if (page.done) break;
    }
    status.done = Math.max(status.done, target);
  }
  status.running = false;
  await condition(allHandlersFinished);
  return status;
}
