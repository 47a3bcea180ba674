import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { insertBulkJob, type BulkJobRow } from '../../db/bulk.js';
import { listQueue } from '../../db/queue.js';
import type { Db } from '../../db/client.js';
import { ruleSetsInForce } from '../../db/rule-sets.js';
import { kindsOfReviews } from '../../db/reviews.js';
import { OTHER_REASON } from '../../domain/rejection-reasons.js';
import type { ReasonEntry } from '../../domain/rule-set.js';
import type { Language } from '../../domain/labels.js';
import { type Actor, type ReviewKind } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError, validationFailed } from '../errors.js';
import { translate } from '../../i18n/index.js';
import { queueQuery, toQueueFilter } from '../backoffice/queue-filters.js';

/** The most one bulk action takes at once. */
export const BULK_LIMIT = 10_000;

const ids = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.uuid()).max(BULK_LIMIT));
const bulkForm = z.object({
  ids,
  allMatching: z.literal('1').optional(),
  filter: z.string().max(1000).regex(/^\/queue(\?\S*)?$/).default('/queue'),
  outcome: z.enum(['approved', 'rejected'], { error: 'form.chooseOutcome' }),
  reasonCode: z.string().trim().max(64).optional().transform((v) => v || null),
  reasonText: z.string().trim().max(500).optional().transform((v) => v || null),
});

/** A rejection reason a bulk rejection may offer, with the kinds whose catalogue in force has it. */
export interface BulkReasonChoice {
  code: string;
  /** Staff wording, from the first kind that has it. */
  staff: ReasonEntry['staff'];
  requiresText: boolean;
  kinds: ReviewKind[];
  /** Offered by every one of the kinds asked about: only these can reject all of them. */
  common: boolean;
}

/**
 * The active reasons of every kind, each marked with the kinds that offer it and whether all of
 * `kinds` do: one kind gets its own catalogue, mixed kinds the reasons they share ("other" always).
 * No kinds (nothing to look at yet) counts as every kind.
 */
export async function bulkReasonChoices(db: Db, kinds: readonly ReviewKind[]): Promise<BulkReasonChoice[]> {
  const sets = await ruleSetsInForce(db);
  const asked = kinds.length > 0 ? kinds : REVIEW_KINDS;
  const byCode = new Map<string, BulkReasonChoice>();
  for (const kind of REVIEW_KINDS) {
    for (const r of sets[kind].rules.reasons.filter((x) => x.active)) {
      const choice = byCode.get(r.code) ?? { code: r.code, staff: r.staff, requiresText: r.requiresText, kinds: [], common: false };
      choice.kinds.push(kind);
      choice.requiresText ||= r.requiresText;
      byCode.set(r.code, choice);
    }
  }
  const choices = [...byCode.values()].map((c) => ({ ...c, common: asked.every((k) => c.kinds.includes(k)) }));
  // "Other" last, as in every kind's own list.
  return [...choices.filter((c) => c.code !== OTHER_REASON.code), ...choices.filter((c) => c.code === OTHER_REASON.code)];
}

/**
 * A reviewer decides many reviews with one outcome and one reason: the selection (or everything
 * the queue's filters match) becomes a job, audited as one action listing its items, that a
 * workflow works through review by review, each with the checks of a single decision.
 */
export async function startBulkDecision(deps: AppDeps, actor: Actor, body: unknown, lang: Language): Promise<BulkJobRow> {
  const parsed = bulkForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const form = parsed.data;
  let reviewIds = form.ids;
  if (form.allMatching) {
    const q = queueQuery.parse(Object.fromEntries(new URL(form.filter, 'http://queue').searchParams));
    const { items } = await listQueue(deps.db, { ...toQueueFilter(q, actor.id), claimIdleMinutes: deps.claimIdleMinutes, limit: BULK_LIMIT });
    reviewIds = items.map((i) => i.id);
  }
  reviewIds = [...new Set(reviewIds)];
  if (reviewIds.length === 0) throw new HttpError(422, 'validation_failed', translate(lang, 'form.chooseSome'), [{ path: 'ids', message: translate(lang, 'form.chooseSome') }]);
  if (form.outcome === 'rejected') {
    // One reason for every selected review: it must be one each of their kinds offers now.
    const offered = (await bulkReasonChoices(deps.db, await kindsOfReviews(deps.db, reviewIds))).find((r) => r.common && r.code === form.reasonCode);
    if (!form.reasonCode || !offered) throw new HttpError(422, 'validation_failed', translate(lang, 'form.chooseReason'), [{ path: 'reasonCode', message: translate(lang, 'form.chooseReason') }]);
    if (offered.requiresText && !form.reasonText) throw new HttpError(422, 'validation_failed', translate(lang, 'form.explainReason'), [{ path: 'reasonText', message: translate(lang, 'form.explainReason') }]);
  }
  const job = await deps.db.transaction(async (tx) => {
    const created = await insertBulkJob(
      tx,
      { actorId: actor.id, actorName: actor.name, actorRole: actor.role, outcome: form.outcome, reasonCode: form.reasonCode, reasonText: form.reasonText, total: reviewIds.length },
      reviewIds,
    );
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'review.bulk_decide',
      objectType: 'bulk_job',
      objectId: created.id,
      details: { outcome: form.outcome, reasonCode: form.reasonCode, total: reviewIds.length, reviewIds },
    });
    return created;
  });
  await deps.reviews.startBulk(job.id, deps.claimIdleMinutes);
  return job;
}
