import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { insertBulkJob, type BulkJobRow } from '../../db/bulk.js';
import { listQueue } from '../../db/queue.js';
import { KINDS } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
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
    const known = Object.values(KINDS).some((k) => k.rejectionReasons.some((r) => r.code === form.reasonCode));
    if (!form.reasonCode || !known) throw new HttpError(422, 'validation_failed', translate(lang, 'form.chooseReason'), [{ path: 'reasonCode', message: translate(lang, 'form.chooseReason') }]);
    if (form.reasonCode === 'other' && !form.reasonText) throw new HttpError(422, 'validation_failed', translate(lang, 'form.explainReason'), [{ path: 'reasonText', message: translate(lang, 'form.explainReason') }]);
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
