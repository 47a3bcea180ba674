import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { apiKeys, tenants } from './schema.js';
import type { Db, Tx } from './client.js';

export type TenantRow = typeof tenants.$inferSelect;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const keyLookup = (db: Db) =>
  db
    .select({ tenant: tenants, keyId: apiKeys.id })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, sql.placeholder('keyHash')), isNull(apiKeys.revokedAt)))
    .prepare('find_api_key');

/**
 * Built once per database handle, as a prepared statement: every tenant API request runs it. Built
 * anew each time, drizzle sends it unprepared, so PostgreSQL parses and plans it and the driver reads
 * its row description on every request: about 300 µs of Node CPU a lookup against 95 µs prepared.
 */
const keyLookups = new WeakMap<Db, ReturnType<typeof keyLookup>>();

/** The tenant a key belongs to and the key's id (what a submission records it came with). */
export async function findApiKey(db: Db, key: string): Promise<{ tenant: TenantRow; keyId: string } | undefined> {
  let lookup = keyLookups.get(db);
  if (!lookup) keyLookups.set(db, (lookup = keyLookup(db)));
  const [row] = await lookup.execute({ keyHash: hashApiKey(key) });
  return row;
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

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function listApiKeys(db: Db, tenantId: string): Promise<Omit<ApiKeyRow, 'keyHash'>[]> {
  return db
    .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, prefix: apiKeys.prefix, label: apiKeys.label, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(apiKeys.createdAt);
}

/** A new tenant and its first key, in the caller's transaction; the key is answered this once. */
export async function insertTenantWithKey(tx: Tx, name: string, label: string): Promise<{ tenant: TenantRow; keyId: string; key: string }> {
  const [tenant] = await tx.insert(tenants).values({ name }).returning();
  if (!tenant) throw new Error('tenant insert returned nothing');
  const issued = await issueApiKey(tx, tenant.id, label);
  return { tenant, keyId: issued.id, key: issued.key };
}

/** A new key for the tenant; only its hash and first characters are kept, so it is shown once. */
export async function issueApiKey(db: Db | Tx, tenantId: string, label: string): Promise<{ id: string; key: string }> {
  const key = `vrd_${randomBytes(24).toString('base64url')}`;
  const [row] = await db.insert(apiKeys).values({ tenantId, keyHash: hashApiKey(key), prefix: key.slice(0, 8), label }).returning({ id: apiKeys.id });
  if (!row) throw new Error('api key insert returned nothing');
  return { id: row.id, key };
}

export async function revokeApiKey(db: Db, tenantId: string, keyId: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}
