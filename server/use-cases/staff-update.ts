import { eq } from 'drizzle-orm';
import { staff } from '../../db/schema.js';
import { findReview, type ReviewRow } from '../../db/reviews.js';
import type { Language } from '../../domain/labels.js';
import type { Refusal } from '../../domain/refusals.js';
import { AUTOMATIC_CHECK } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { refusalText } from '../../i18n/refusal-text.js';
import { DecisionRefused } from '../../temporal/review-client.js';

/** Says why a round no longer takes decisions, from the read model. */
export async function describeClosedReview(deps: Pick<AppDeps, 'db'>, row: ReviewRow, round: number): Promise<Refusal> {
  if (row.round !== round) return { code: 'stale_round' };
  if (row.status === 'withdrawn') return { code: 'withdrawn' };
  if (row.decidedAt && row.decisionOutcome) {
    const [by] = row.decidedBy ? await deps.db.select({ name: staff.name }).from(staff).where(eq(staff.id, row.decidedBy)) : [];
    return { code: 'already_decided', params: { outcome: row.decisionOutcome, by: by?.name ?? AUTOMATIC_CHECK.name, at: row.decidedAt.toISOString() } };
  }
  return { code: 'closed' };
}

/** A refusal as a 409 whose message is in the reader's language and whose details keep the code. */
export function refusalError(refusal: Refusal, lang: Language): HttpError {
  const text = refusalText(refusal, lang);
  return new HttpError(409, refusal.code, text, [{ path: 'review', message: text }]);
}

/**
 * Sends a staff member's Update (decide, claim, reply) to a review round and answers with what the
 * round answered; a refusal becomes a 409 that says why, in the workflow's terms or, for a closed
 * round, from the read model.
 */
export async function sendStaffUpdate<T>(deps: Pick<AppDeps, 'db'>, row: ReviewRow, round: number, lang: Language, send: () => Promise<T>): Promise<T> {
  try {
    return await sendOncePrecheckDone(send);
  } catch (err) {
    if (!(err instanceof DecisionRefused)) throw err;
    const fresh = (await findReview(deps.db, row.id)) ?? row;
    throw refusalError(err.reason === 'closed' ? await describeClosedReview(deps, fresh, round) : err.refusal, lang);
  }
}

/** A round's automatic pre-check takes a moment: a person acting meanwhile waits for it rather than being refused. */
const PRECHECK_WAIT_MS = 10_000;

async function sendOncePrecheckDone<T>(send: () => Promise<T>): Promise<T> {
  const until = Date.now() + PRECHECK_WAIT_MS;
  for (;;) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof DecisionRefused) || err.refusal.code !== 'precheck_running' || Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
