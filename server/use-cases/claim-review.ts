import { z } from 'zod';
import { findReview } from '../../db/reviews.js';
import { findActiveStaff } from '../../db/staff.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { sendStaffUpdate } from './staff-update.js';
import { translate } from '../../i18n/index.js';

const form = z.object({
  round: z.coerce.number().int().min(1),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'form.reload' }),
});

async function load(deps: AppDeps, reviewId: string, body: unknown, lang: Language) {
  const parsed = form.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const row = await findReview(deps.db, reviewId);
  if (!row) throw notFound('review');
  return { row, ...parsed.data };
}

/** A reviewer takes a review: it is theirs until they decide, let go, or leave it idle too long. */
export async function claimReview(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<void> {
  const { row, round, token } = await load(deps, reviewId, body, lang);
  await sendStaffUpdate(deps, row, round, lang, () => deps.reviews.claim(reviewId, { round, actor, claimIdleMinutes: deps.claimIdleMinutes }, `claim-${token}`));
}

/** The holder lets the review go back to the queue. */
export async function releaseReview(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<void> {
  const { row, round, token } = await load(deps, reviewId, body, lang);
  await sendStaffUpdate(deps, row, round, lang, () => deps.reviews.release(reviewId, { round, actor }, `release-${token}`));
}

/** A supervisor gives the review to someone who may decide it, or takes it back (no assignee). */
export async function assignReview(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<void> {
  const { row, round, token } = await load(deps, reviewId, body, lang);
  const assigneeId = (body as { assigneeId?: unknown } | undefined)?.assigneeId;
  let assignee: Actor | null = null;
  if (typeof assigneeId === 'string' && assigneeId !== '') {
    const found = /^[0-9a-f-]{36}$/i.test(assigneeId) ? await findActiveStaff(deps.db, assigneeId) : undefined;
    if (!found) throw new HttpError(422, 'validation_failed', translate(lang, 'form.chooseStaff'), [{ path: 'assigneeId', message: translate(lang, 'form.chooseStaff') }]);
    assignee = found;
  }
  await sendStaffUpdate(deps, row, round, lang, () => deps.reviews.assign(reviewId, { round, actor, assignee }, `assign-${token}`));
}
