import { eq } from 'drizzle-orm';
import { staff } from '../../db/schema.js';
import { findReview, type ReviewRow } from '../../db/reviews.js';
import type { AppDeps } from '../deps.js';
import { conflict } from '../errors.js';
import { DecisionRefused } from '../review-client.js';

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

/**
 * Sends a staff member's Update (decide, claim, reply) to a review round and answers with the
 * review as it now stands; a refusal becomes a 409 that says why, in the workflow's words or,
 * for a closed round, from the read model.
 */
export async function sendStaffUpdate(deps: Pick<AppDeps, 'db'>, row: ReviewRow, round: number, send: () => Promise<unknown>): Promise<ReviewRow> {
  try {
    await send();
  } catch (err) {
    if (!(err instanceof DecisionRefused)) throw err;
    const fresh = (await findReview(deps.db, row.id)) ?? row;
    throw conflict(err.reason === 'closed' ? await describeClosedReview(deps, fresh, round) : err.message);
  }
  return (await findReview(deps.db, row.id)) ?? row;
}
