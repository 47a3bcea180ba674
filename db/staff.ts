import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { sessions, staff } from './schema.js';
import type { Db, Tx } from './client.js';
import type { Role } from '../domain/review.js';

export type StaffRow = typeof staff.$inferSelect;
export type StaffMember = Omit<StaffRow, 'passwordHash'>;

export async function findStaffByEmail(db: Db, email: string): Promise<StaffRow | undefined> {
  const [row] = await db.select().from(staff).where(sql`lower(${staff.email}) = lower(${email})`);
  return row;
}

export async function countStaff(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(staff);
  return row?.n ?? 0;
}

export async function createStaff(
  db: Db | Tx,
  s: { email: string; name: string; passwordHash: string; role: Role; language?: 'zh-CN' | 'en'; kinds?: string[]; mustChangePassword?: boolean },
): Promise<StaffMember> {
  const [row] = await db.insert(staff).values(s).returning();
  if (!row) throw new Error('staff insert returned nothing');
  const { passwordHash: _, ...member } = row;
  return member;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const SESSION_HOURS = 12;

export async function createSession(db: Db, staffId: string, meta: { ip: string | null; userAgent: string | null }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({
    idHash: sha256(token),
    staffId,
    expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000),
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 256) ?? null,
  });
  return token;
}

export async function findSessionStaff(db: Db, token: string): Promise<StaffMember | undefined> {
  const [row] = await db
    .select({ staff })
    .from(sessions)
    .innerJoin(staff, eq(staff.id, sessions.staffId))
    .where(and(eq(sessions.idHash, sha256(token)), gt(sessions.expiresAt, sql`now()`), eq(staff.active, true)));
  if (!row) return undefined;
  const { passwordHash: _, ...member } = row.staff;
  return member;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256(token)));
}

/**
 * Active staff who may take review work, by name (for assignment and filters); or, with
 * `active` false, those deactivated, whom the queue still filters by so their history can be found.
 */
export async function listDeciders(db: Db, active = true): Promise<{ id: string; name: string; role: Role }[]> {
  return db
    .select({ id: staff.id, name: staff.name, role: staff.role })
    .from(staff)
    .where(and(eq(staff.active, active), sql`${staff.role} in ('reviewer', 'supervisor', 'admin')`))
    .orderBy(staff.name);
}

export async function findActiveStaff(db: Db, id: string): Promise<{ id: string; name: string; role: Role } | undefined> {
  const [row] = await db.select({ id: staff.id, name: staff.name, role: staff.role }).from(staff).where(and(eq(staff.id, id), eq(staff.active, true)));
  return row;
}

export async function listStaff(db: Db): Promise<StaffMember[]> {
  const rows = await db.select().from(staff).orderBy(sql`${staff.active} desc`, staff.name);
  return rows.map(({ passwordHash: _, ...m }) => m);
}

export async function findStaffById(db: Db | Tx, id: string): Promise<StaffRow | undefined> {
  const [row] = await db.select().from(staff).where(eq(staff.id, id));
  return row;
}

/**
 * The ids of the active admins, their rows locked until the transaction ends: two admins
 * changing each other at once then take turns, and the second sees what the first did.
 */
export async function lockActiveAdmins(tx: Tx): Promise<string[]> {
  const rows = await tx.select({ id: staff.id }).from(staff).where(and(eq(staff.role, 'admin'), eq(staff.active, true))).orderBy(staff.id).for('update');
  return rows.map((r) => r.id);
}

export async function updateStaff(
  db: Db | Tx,
  id: string,
  set: Partial<Pick<StaffRow, 'name' | 'role' | 'language' | 'kinds' | 'active' | 'passwordHash' | 'mustChangePassword'>>,
): Promise<void> {
  await db.update(staff).set(set).where(eq(staff.id, id));
}

/** Ends every session of a member, or every one but `keepToken`'s. */
export async function endSessionsOf(db: Db | Tx, staffId: string, keepToken?: string): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.staffId, staffId), keepToken ? ne(sessions.idHash, sha256(keepToken)) : undefined));
}
