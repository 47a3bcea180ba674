import { z } from 'zod';
import { findReview, type ReviewRow } from '../../db/reviews.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { notFound, validationFailed } from '../errors.js';
import { sendStaffUpdate } from './staff-update.js';

const claimForm = z.object({
  round: z.coerce.number().int().min(1),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'reload the page and try again'),
});

/** A reviewer takes a review: it is assigned to them and others see who holds it. */
export async function claimReview(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<ReviewRow> {
  const parsed = claimForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const row = await findReview(deps.db, reviewId);
  if (!row) throw notFound('review');
  const { round, token } = parsed.data;
  return sendStaffUpdate(deps, row, round, lang, () => deps.reviews.claim(reviewId, { round, actor }, `claim-${token}`));
}
