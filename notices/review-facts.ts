import type { Db, Tx } from '../db/client.js';
import type { ReviewRow } from '../db/reviews.js';
import { findRejectionReason } from '../db/rules.js';
import { storeOf } from '../db/subjects/index.js';
import type { Language } from '../domain/labels.js';
import type { ReviewKind } from '../domain/review.js';
import { reasonWithExplanation } from '../i18n/reason-text.js';
import { noticeTime } from './render.js';

/**
 * The facts notices about a review are built from, in one place: the notice a decision sends and the
 * preview an admin reads while editing a template both ask here, so the preview is the notice.
 */

/** A decision as its notice words it. */
export interface DecisionWording {
  outcome: string | null;
  decidedAt: Date | string | null;
  /** The reason's tenant-facing wording from the catalogue, per language. */
  reason?: Record<Language, string>;
  /** What the subject's store says about the facts an automatic check kept, per language. */
  explanation?: Record<Language, string>;
  /** What a person typed. */
  reasonText?: string | null;
}

type ReviewNamed = Pick<ReviewRow, 'kind' | 'title' | 'subjectId'>;

/** A decision's notice facts for a reader of `language`. */
export function decisionNoticeFacts(review: ReviewNamed, d: DecisionWording, language: Language) {
  return {
    kind: review.kind,
    title: review.title,
    subjectId: review.subjectId,
    reason: d.outcome === 'rejected' ? reasonWithExplanation(language, d.reason?.[language], d.explanation?.[language] ?? d.reasonText) : '',
    decidedAt: noticeTime(d.decidedAt, language),
  };
}

/** The wording of a decision already written, read back (for a template's preview). */
export async function storedDecisionWording(db: Db | Tx, review: ReviewRow): Promise<DecisionWording> {
  const kind = review.kind as ReviewKind;
  const rejected = review.decisionOutcome === 'rejected';
  const [reason, explanation] = await Promise.all([
    review.decisionReasonCode ? findRejectionReason(db, kind, review.decisionReasonCode) : undefined,
    rejected ? storeOf(kind).reasonWording?.(db, review.subjectId, review.decisionReasonCode) : undefined,
  ]);
  return { outcome: review.decisionOutcome, decidedAt: review.decidedAt, reason: reason?.tenant, explanation, reasonText: review.decisionReasonText };
}

/** A staff notice's facts about a review for one staff member; `base` is the public URL links start with. */
export function staffNoticeFacts(
  review: ReviewNamed & Pick<ReviewRow, 'id'>,
  staffName: string,
  language: Language,
  base: string,
  facts: { due?: string | Date | null; n?: number; answerBy?: string | Date | null; author?: string; note?: string } = {},
) {
  return {
    kind: review.kind,
    staffName,
    title: review.title,
    subjectId: review.subjectId,
    due: noticeTime(facts.due, language),
    n: facts.n ?? '',
    answerBy: noticeTime(facts.answerBy, language),
    author: facts.author ?? '',
    note: facts.note ?? '',
    link: `${base}/reviews/${review.id}`,
  };
}
