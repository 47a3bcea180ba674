import { z } from 'zod';
import { findReview } from '../../db/reviews.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { notFound, validationFailed } from '../errors.js';
import { sendStaffUpdate } from './staff-update.js';

const replyForm = z.object({
  round: z.coerce.number().int().min(1),
  message: z.string().trim().min(1, { error: 'form.writeReply' }).max(300),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'form.reload' }),
});

/** Staff answer the tenant's reminder without deciding yet: it reaches the contacts who receive reminder replies. */
export async function replyToTenant(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<void> {
  const parsed = replyForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const row = await findReview(deps.db, reviewId);
  if (!row) throw notFound('review');
  const { round, message, token } = parsed.data;
  await sendStaffUpdate(deps, row, round, lang, () => deps.reviews.reply(reviewId, { round, actor, message }, `reply-${token}`));
}
