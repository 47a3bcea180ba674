import { listQueue, placeInQueue, type QueueFilter, type QueueItem } from '../../db/queue.js';
import { currentHolder, isOpenStatus } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';

const PAGE = 50;
/** How far "next" looks past work held by others before it gives up (ten pages). */
const PAGES = 10;

type View = Omit<QueueFilter, 'limit' | 'after'>;

/**
 * The review after `afterId` in the view's own order that this person can work on: open work held
 * by someone else is passed over, as in a paper tray. When nothing follows, the view is read again
 * from its top, so work passed over earlier (or left behind by a colleague) is not lost; the review
 * just left is never the answer. Undefined: the view has nothing more.
 */
export async function nextInView(deps: AppDeps, viewerId: string, filters: View, afterId: string | undefined): Promise<string | undefined> {
  const view = { ...filters, claimIdleMinutes: deps.claimIdleMinutes };
  const now = deps.now().getTime();
  const workable = (row: QueueItem) => {
    if (row.id === afterId) return false;
    const open = isOpenStatus(row.status);
    const holder = currentHolder(row.assigneeId, row.assignedAt, deps.claimIdleMinutes, now);
    return !open || holder === null || holder === viewerId;
  };
  const place = afterId ? await placeInQueue(deps.db, view, afterId) : undefined;
  const starts = place ? [place.cursor, undefined] : [undefined];
  for (const start of starts) {
    let after = start;
    for (let page = 0; page < PAGES; page++) {
      const { items, next } = await listQueue(deps.db, { ...view, after, limit: PAGE });
      const found = items.find(workable);
      if (found) return found.id;
      if (!next) break;
      after = next;
    }
  }
  return undefined;
}
