import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { insertReviewNote, mentionableStaff } from '../../db/review-notes.js';
import { findReview } from '../../db/reviews.js';
import type { Language } from '../../domain/labels.js';
import { mentionsIn } from '../../domain/mentions.js';
import type { Actor } from '../../domain/review.js';
import { queueStaffNotices } from '../../notices/staff-notices.js';
import type { AppDeps } from '../deps.js';
import { notFound, validationFailed } from '../errors.js';

export const NOTE_MAX = 2000;

const noteForm = z.object({ body: z.string({ error: 'form.writeNote' }).trim().min(1, { error: 'form.writeNote' }).max(NOTE_MAX) });

/**
 * Staff write a note on a review for each other. Whom it names with @ hears of it by e-mail
 * through the outbox, written in the note's own transaction with its audit row: the note, its
 * notices and the audit row exist together or not at all.
 */
export async function addReviewNote(deps: Pick<AppDeps, 'db'>, actor: Actor, reviewId: string, body: unknown, meta: { ip: string | null; lang: Language }): Promise<{ id: string; mentioned: number }> {
  const parsed = noteForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, meta.lang);
  const review = await findReview(deps.db, reviewId);
  if (!review) throw notFound('review');
  const text = parsed.data.body;
  return deps.db.transaction(async (tx) => {
    // Nobody is e-mailed about their own note.
    const mentioned = mentionsIn(text, await mentionableStaff(tx)).filter((id) => id !== actor.id);
    const note = await insertReviewNote(tx, { reviewId, authorId: actor.id, body: text, mentioned });
    await queueStaffNotices(tx, review, 'review.note_mentioned', { staffIds: mentioned }, `note:${note.id}`, { author: actor.name, note: text });
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'review.note',
      objectType: 'review',
      objectId: reviewId,
      ip: meta.ip,
      details: { noteId: note.id, mentioned },
    });
    return { id: note.id, mentioned: mentioned.length };
  });
}
