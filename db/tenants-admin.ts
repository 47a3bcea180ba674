import { asc, eq, sql } from 'drizzle-orm';
import { contacts, tenants } from './schema.js';
import type { Db } from './client.js';

export async function listTenantsWithCounts(db: Db): Promise<{ id: string; name: string; contacts: number; createdAt: Date }[]> {
  return db
    .select({ id: tenants.id, name: tenants.name, createdAt: tenants.createdAt, contacts: sql<number>`count(${contacts.id})::int` })
    .from(tenants)
    .leftJoin(contacts, eq(contacts.tenantId, tenants.id))
    .groupBy(tenants.id)
    .orderBy(asc(tenants.name));
}

export async function findTenant(db: Db, id: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

/** Tenants by name, for pickers (at most `limit`). */
export async function listTenantNames(db: Db, limit = 1000): Promise<{ id: string; name: string }[]> {
  return db.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(asc(tenants.name)).limit(limit);
}
