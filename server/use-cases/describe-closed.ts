import { eq } from 'drizzle-orm';
import { staff } from '../../db/schema.js';
import type { ReviewRow } from '../../db/reviews.js';
import type { AppDeps } from '../deps.js';

/** Says why a round no longer takes decisions, from the read model. */
export async function describeClosedReview(deps: Pick<AppDeps, 'db'>, row: ReviewRow, round: number): Promise<string> {
  if (row.round !== round) return 'stale: the tenant resubmitted; reload to review the current round';
  if (row.status === 'withdrawn') return 'the tenant withdrew this submission';
  if (row.decidedAt && row.decidedBy) {
    const [by] = await deps.db.select({ name: staff.name }).from(staff).where(eq(staff.id, row.decidedBy));
    return `already ${row.status} by ${by?.name ?? 'someone'} at ${row.decidedAt.toISOString()}`;
  }
  return 'this review round is closed';
}
