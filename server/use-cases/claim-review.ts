import { z } from 'zod';
import { findReview, type ReviewRow } from '../../db/reviews.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { conflict, notFound, validationFailed } from '../errors.js';
import { DecisionRefused } from '../review-client.js';
import { describeClosedReview } from './describe-closed.js';

const claimForm = z.object({
  round: z.coerce.number().int().min(1),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'reload the page and try again'),
});

/** A reviewer takes a review: it is assigned to them and others see who holds it. */
export async function claimReview(deps: AppDeps, actor: Actor, reviewId: string, body: unknown): Promise<ReviewRow> {
  const parsed = claimForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error);
  const row = await findReview(deps.db, reviewId);
  if (!row) throw notFound('review');
  try {
    await deps.reviews.claim(reviewId, { round: parsed.data.round, actor }, `claim-${parsed.data.token}`);
  } catch (err) {
    if (!(err instanceof DecisionRefused)) throw err;
    const fresh = (await findReview(deps.db, reviewId)) ?? row;
    throw conflict(err.reason === 'closed' ? await describeClosedReview(deps, fresh, parsed.data.round) : err.message);
  }
  return (await findReview(deps.db, reviewId)) ?? row;
}
