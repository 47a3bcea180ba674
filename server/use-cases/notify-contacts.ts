import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { noticeRenderer } from '../../notices/render.js';
import { appendAudit } from '../../db/audit.js';
import { findReview } from '../../db/reviews.js';
import { contacts, notificationOutbox } from '../../db/schema.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';

const list = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string()));
const notifyForm = z.object({
  contactIds: list.pipe(z.array(z.uuid()).min(1, { error: 'form.chooseContacts' })),
  channels: list.pipe(z.array(z.enum(['email', 'sms'])).min(1, { error: 'form.chooseChannels' })),
  message: z.string().trim().min(1, { error: 'form.writeMessage' }).max(300),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { error: 'form.reload' }),
});

/**
 * The one key of a manual notice, made here from everything it is: the review, who writes, to whom,
 * by which channels, what, and the form's token (which tells two identical notices sent on purpose
 * from one form sent twice). The form's token alone must not be the key: sent again with another
 * review, other contacts or another message, it would match a notice already audited and the new
 * one would go out unaudited.
 */
function manualNoticeKey(reviewId: string, actorId: string, form: z.infer<typeof notifyForm>): string {
  const what = JSON.stringify([reviewId, actorId, [...new Set(form.contactIds)].sort(), [...new Set(form.channels)].sort(), form.message, form.token]);
  return `manual:${createHash('sha256').update(what).digest('base64url')}`;
}

/**
 * Staff write to chosen contacts of the review's tenant about it. The same form sent twice is one
 * notice per contact and channel, and one audit row; every notice queued has its audit row.
 */
export async function notifyContacts(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<void> {
  const parsed = notifyForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const form = parsed.data;
  const review = await findReview(deps.db, reviewId);
  if (!review) throw notFound('review');
  const key = manualNoticeKey(review.id, actor.id, form);
  await deps.db.transaction(async (tx) => {
    const chosen = await tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.tenantId, review.tenantId), inArray(contacts.id, form.contactIds)));
    if (chosen.length !== new Set(form.contactIds).size) {
      throw new HttpError(422, 'validation_failed', 'a chosen contact does not belong to this tenant', [{ path: 'contactIds', message: 'not a contact of this tenant' }]);
    }
    const render = noticeRenderer(tx);
    const rows = [];
    for (const c of chosen) {
      const language = c.language as Language;
      const facts = { kind: review.kind, contactName: c.name, title: review.title, subjectId: review.subjectId, message: form.message };
      for (const channel of form.channels) {
        const { subject, text } = await render('manual', channel, language, facts);
        rows.push({
          event: 'manual',
          channel,
          recipient: channel === 'email' ? c.email : c.mobile,
          tenantId: review.tenantId,
          reviewId: review.id,
          contactId: c.id,
          language,
          subject,
          body: text,
          dedupeKey: `${key}:${c.id}:${channel}`,
        });
      }
    }
    await tx.insert(notificationOutbox).values(rows).onConflictDoNothing({ target: notificationOutbox.dedupeKey });
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'notice.manual',
      objectType: 'review',
      objectId: review.id,
      details: { contacts: chosen.map((c) => c.id), channels: form.channels },
      dedupeKey: key,
    });
  });
}
