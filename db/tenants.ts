import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys, tenants } from './schema.js';
import type { Db } from './client.js';

export type TenantRow = typeof tenants.$inferSelect;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function findTenantByApiKey(db: Db, key: string): Promise<TenantRow | undefined> {
  const [row] = await db
    .select({ tenant: tenants })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row?.tenant;
}

export async function findTenantByName(db: Db, name: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.name, name));
  return row;
}

/** Creates the tenant if missing and registers the key if it is not known yet. */
export async function ensureTenantWithKey(db: Db, name: string, key: string, label = 'bootstrap'): Promise<TenantRow> {
  return db.transaction(async (tx) => {
    await tx.insert(tenants).values({ name }).onConflictDoNothing({ target: tenants.name });
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.name, name));
    if (!tenant) throw new Error(`tenant ${name} could not be created`);
    await tx
      .insert(apiKeys)
      .values({ tenantId: tenant.id, keyHash: hashApiKey(key), prefix: key.slice(0, 8), label })
      .onConflictDoNothing({ target: apiKeys.keyHash });
    return tenant;
  });
}
