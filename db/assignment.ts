import { and, eq, inArray, sql } from 'drizzle-orm';
import { assignmentCursors, reviews, staff } from './schema.js';
import type { Tx } from './client.js';
import type { Candidate } from '../domain/assignment.js';
import type { ReviewKind } from '../domain/review.js';

/** Active reviewers who handle the kind (a reviewer with no kinds chosen handles every kind), with their open work. */
export async function assignmentCandidates(tx: Tx, kind: ReviewKind): Promise<(Candidate & { name: string })[]> {
  const people = await tx
    .select({ id: staff.id, name: staff.name })
    .from(staff)
    .where(and(eq(staff.role, 'reviewer'), eq(staff.active, true), sql`(cardinality(${staff.kinds}) = 0 or ${kind} = any(${staff.kinds}))`));
  if (people.length === 0) return [];
  const loads = await tx
    .select({ id: reviews.assigneeId, n: sql<number>`count(*)::int` })
    .from(reviews)
    .where(and(eq(reviews.status, 'pending'), inArray(reviews.assigneeId, people.map((p) => p.id))))
    .groupBy(reviews.assigneeId);
  const byId = new Map(loads.map((l) => [l.id, l.n]));
  return people.map((p) => ({ ...p, load: byId.get(p.id) ?? 0 }));
}

/** Serialises auto-assignment of one kind until the transaction ends, so two intakes never count the same loads. */
export async function lockAssignment(tx: Tx, kind: ReviewKind): Promise<string | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`assign:${kind}`}))`);
  const [row] = await tx.select({ last: assignmentCursors.lastStaffId }).from(assignmentCursors).where(eq(assignmentCursors.kind, kind));
  return row?.last ?? null;
}

export async function rememberAssignee(tx: Tx, kind: ReviewKind, staffId: string): Promise<void> {
  await tx
    .insert(assignmentCursors)
    .values({ kind, lastStaffId: staffId })
    .onConflictDoUpdate({ target: assignmentCursors.kind, set: { lastStaffId: staffId, updatedAt: sql`now()` } });
}
