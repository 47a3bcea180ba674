import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { declarationAcceptances, declarationVersions, staff } from './schema.js';

export type DeclarationVersionRow = typeof declarationVersions.$inferSelect;
export type AcceptanceRow = typeof declarationAcceptances.$inferSelect;

/** Every published version of a declaration, newest first, with who published it. */
export async function publishedVersions(db: Db | Tx, declarationId: string): Promise<(DeclarationVersionRow & { publishedByName: string | null })[]> {
  const rows = await db
    .select({ v: declarationVersions, name: staff.name })
    .from(declarationVersions)
    .leftJoin(staff, eq(staff.id, declarationVersions.publishedBy))
    .where(eq(declarationVersions.declarationId, declarationId))
    .orderBy(desc(declarationVersions.version));
  return rows.map((r) => ({ ...r.v, publishedByName: r.name }));
}

/** The newest published version of each declaration (absent: none was published yet). */
export async function newestPublished(db: Db | Tx): Promise<Map<string, DeclarationVersionRow>> {
  const rows = await db
    .selectDistinctOn([declarationVersions.declarationId])
    .from(declarationVersions)
    .orderBy(declarationVersions.declarationId, desc(declarationVersions.version));
  return new Map(rows.map((r) => [r.declarationId, r]));
}

export async function insertDeclarationVersion(tx: Tx, row: typeof declarationVersions.$inferInsert): Promise<void> {
  await tx.insert(declarationVersions).values(row);
}

export async function recordAcceptance(tx: Tx, row: typeof declarationAcceptances.$inferInsert): Promise<void> {
  await tx.insert(declarationAcceptances).values(row).execute();
}

/** What a review's submissions accepted, round by round. */
export async function acceptancesOf(db: Db | Tx, reviewId: string): Promise<AcceptanceRow[]> {
  return db.select().from(declarationAcceptances).where(and(eq(declarationAcceptances.reviewId, reviewId))).orderBy(asc(declarationAcceptances.round), asc(declarationAcceptances.id));
}
