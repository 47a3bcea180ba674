import { asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { reviewNotes, staff } from './schema.js';
import type { Mentionable } from '../domain/mentions.js';

export interface ReviewNote {
  id: string;
  body: string;
  authorName: string;
  createdAt: Date;
  /** Names of the people the note mentioned, as they are called now. */
  mentionedNames: string[];
}

/** Active staff, whom a note may mention. */
export async function mentionableStaff(db: Db | Tx): Promise<Mentionable[]> {
  return db.select({ id: staff.id, name: staff.name, email: staff.email }).from(staff).where(eq(staff.active, true));
}

export async function insertReviewNote(tx: Tx, note: { reviewId: string; authorId: string; body: string; mentioned: string[] }): Promise<{ id: string; createdAt: Date }> {
  const [row] = await tx.insert(reviewNotes).values(note).returning({ id: reviewNotes.id, createdAt: reviewNotes.createdAt });
  if (!row) throw new Error('note insert returned nothing');
  return row;
}

/** A review's notes, oldest first, with their authors' and mentioned people's names. */
export async function listReviewNotes(db: Db, reviewId: string): Promise<ReviewNote[]> {
  return db
    .select({
      id: reviewNotes.id,
      body: reviewNotes.body,
      authorName: staff.name,
      createdAt: reviewNotes.createdAt,
      mentionedNames: sql<string[]>`coalesce((select array_agg(m.name order by m.name) from ${staff} m where m.id = any(${reviewNotes.mentioned})), '{}')`,
    })
    .from(reviewNotes)
    .innerJoin(staff, eq(staff.id, reviewNotes.authorId))
    .where(eq(reviewNotes.reviewId, reviewId))
    .orderBy(asc(reviewNotes.createdAt), asc(reviewNotes.id));
}
