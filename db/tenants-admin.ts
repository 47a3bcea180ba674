import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { contacts, tenants } from './schema.js';
import type { Db } from './client.js';

export interface TenantListRow {
  id: string;
  name: string;
  contacts: number;
  createdAt: Date;
}

/** Typed text inside a LIKE pattern matches itself: a `%` typed is a percent sign. */
const literal = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Tenants whose name contains `q`, whose id starts with it, or one of whose contacts' e-mail
 * contains it; by name, a page at a time (`offset`, `limit`), with how many match in all.
 */
export async function searchTenants(db: Db, f: { q?: string; offset: number; limit: number }): Promise<{ rows: TenantListRow[]; total: number }> {
  const where: SQL[] = [];
  if (f.q) {
    const like = `%${literal(f.q)}%`;
    where.push(sql`(${tenants.name} ilike ${like} or ${tenants.id}::text like ${`${literal(f.q.toLowerCase())}%`}
      or exists (select 1 from ${contacts} c where c.tenant_id = ${tenants.id} and c.email ilike ${like}))`);
  }
  const filter = where.length > 0 ? and(...where) : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select({ id: tenants.id, name: tenants.name, createdAt: tenants.createdAt, contacts: sql<number>`(select count(*) from ${contacts} c where c.tenant_id = ${tenants.id})::int` })
      .from(tenants)
      .where(filter)
      .orderBy(asc(tenants.name), asc(tenants.id))
      .offset(f.offset)
      .limit(f.limit),
    db.select({ n: sql<number>`count(*)::int` }).from(tenants).where(filter),
  ]);
  return { rows, total: count?.n ?? 0 };
}

export async function findTenant(db: Db, id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

/** Tenants by name, for pickers (at most `limit`). */
export async function listTenantNames(db: Db, limit = 1000): Promise<{ id: string; name: string }[]> {
  return db.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(asc(tenants.name)).limit(limit);
}
