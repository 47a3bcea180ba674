import { z } from 'zod';
import { findReview, type ReviewRow } from '../../db/reviews.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { conflict, notFound, validationFailed } from '../errors.js';
import { DecisionRefused } from '../review-client.js';
import { describeClosedReview } from './describe-closed.js';

const replyForm = z.object({
  round: z.coerce.number().int().min(1),
  message: z.string().trim().min(1, 'write a reply for the tenant').max(300, 'the reply must be at most 300 characters'),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'reload the page and try again'),
});

/** Staff answer the tenant's reminder without deciding yet: it reaches the contacts who receive reminder replies. */
export async function replyToTenant(deps: AppDeps, actor: Actor, reviewId: string, body: unknown): Promise<ReviewRow> {
  const parsed = replyForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error);
  const row = await findReview(deps.db, reviewId);
  if (!row) throw notFound('review');
  try {
    await deps.reviews.reply(reviewId, { round: parsed.data.round, actor, message: parsed.data.message }, `reply-${parsed.data.token}`);
  } catch (err) {
    if (!(err instanceof DecisionRefused)) throw err;
    const fresh = (await findReview(deps.db, reviewId)) ?? row;
    throw conflict(err.reason === 'closed' ? await describeClosedReview(deps, fresh, parsed.data.round) : err.message);
  }
  return (await findReview(deps.db, reviewId)) ?? row;
}
