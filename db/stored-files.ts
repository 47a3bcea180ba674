import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { storedFiles } from './schema.js';

export type StoredFileRow = typeof storedFiles.$inferSelect;
export type NewStoredFile = typeof storedFiles.$inferInsert;

export async function recordFiles(tx: Tx, rows: NewStoredFile[]): Promise<void> {
  if (rows.length > 0) await tx.insert(storedFiles).values(rows);
}

/** Every file of a subject, all rounds, oldest first: the latest per field is the one in force. */
export async function filesOfSubject(db: Db | Tx, kind: string, subjectId: string): Promise<StoredFileRow[]> {
  return db
    .select()
    .from(storedFiles)
    .where(and(eq(storedFiles.kind, kind), eq(storedFiles.subjectId, subjectId)))
    .orderBy(asc(storedFiles.round), asc(storedFiles.createdAt));
}

/** The latest file per field. */
export function currentFiles(files: StoredFileRow[]): StoredFileRow[] {
  const byField = new Map<string, StoredFileRow>();
  for (const f of files) byField.set(f.field, f);
  return [...byField.values()];
}

export async function findStoredFile(db: Db, id: string): Promise<StoredFileRow | undefined> {
  const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, id));
  return row;
}
