import { z } from 'zod';
import { decisionColumns, findReviewForStaff, type QueueItem } from '../../db/reviews.js';
import { findActiveReasons } from '../../db/rules.js';
import type { Language } from '../../domain/labels.js';
import type { Actor, ReviewKind } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { sendStaffUpdate } from './staff-update.js';
import { translate } from '../../i18n/index.js';

const decisionForm = z.object({
  round: z.coerce.number().int().min(1),
  outcome: z.enum(['approved', 'rejected'], { error: 'form.chooseOutcome' }),
  reasonCode: z.string().trim().max(64).optional().transform((v) => v || null),
  reasonText: z.string().trim().max(500).optional().transform((v) => v || null),
  /** One per rendered form: the Update id, so a double submission decides once. */
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'form.reload' }),
});

/**
 * A reviewer approves or rejects the current round. The workflow's validator gives the
 * truthful refusal (already decided, stale round, not assigned, role). Answers the review as it
 * stands after the decision, as the review page shows it.
 */
export async function decideReview(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<QueueItem> {
  const parsed = decisionForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const form = parsed.data;
  // Read once, as the page shows it (tenant and holder named): the decision needs its kind, the page after it the rest.
  const row = await findReviewForStaff(deps.db, reviewId);
  if (!row) throw notFound('review');

  if (form.outcome === 'rejected') {
    // Only reasons offered now: a retired one stays readable on old decisions but is no longer chosen.
    const reason = form.reasonCode ? (await findActiveReasons(deps.db, row.kind as ReviewKind)).find((r) => r.code === form.reasonCode) : undefined;
    if (!reason) throw new HttpError(422, 'validation_failed', translate(lang, 'form.chooseReason'), [{ path: 'reasonCode', message: translate(lang, 'form.chooseReason') }]);
    if (reason.requiresText && !form.reasonText) {
      throw new HttpError(422, 'validation_failed', translate(lang, 'form.explainReason'), [{ path: 'reasonText', message: translate(lang, 'form.explainReason') }]);
    }
  }

  const rejected = form.outcome === 'rejected';
  const request = { round: form.round, outcome: form.outcome, reasonCode: rejected ? form.reasonCode : null, reasonText: rejected ? form.reasonText : null, actor, claimIdleMinutes: deps.claimIdleMinutes };
  const decision = await sendStaffUpdate(deps, row, form.round, lang, () => deps.reviews.decide(reviewId, request, `decide-${form.token}`));
  // The round answers its Update only once the decision's transaction has committed, and answers
  // the decision as stored (an earlier attempt's instant, a double submission's first answer): the
  // columns it wrote are exactly these, so they are laid over the row read before rather than read
  // again. The rest of the row is the round's own until it is decided (a deadline moved by a
  // recompute no longer matters once the round is closed); the next view of the page reads it all.
  return { ...row, ...decisionColumns(decision) };
}
