import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { apps, qualityCheckOptOuts, reviews, tenants } from './schema.js';
import type { AppChanges } from '../domain/apps.js';
import { UUID } from '../domain/ids.js';

export type AppRow = typeof apps.$inferSelect;
export type NewApp = typeof apps.$inferInsert;


/** This tenant's app, or undefined (another tenant's app, or an id that is no app id, is simply not found). */
export async function findTenantApp(db: Db | Tx, tenantId: string, appId: string): Promise<AppRow | undefined> {
  if (!UUID.test(appId)) return undefined;
  const [row] = await db.select().from(apps).where(and(eq(apps.tenantId, tenantId), eq(apps.id, appId)));
  return row;
}

export async function listTenantApps(db: Db | Tx, tenantId: string): Promise<AppRow[]> {
  return db.select().from(apps).where(eq(apps.tenantId, tenantId)).orderBy(asc(apps.createdAt), asc(apps.id));
}

/** The app, locked for this transaction: changes to one app happen one at a time. */
export async function lockTenantApp(tx: Tx, tenantId: string, appId: string): Promise<AppRow | undefined> {
  if (!UUID.test(appId)) return undefined;
  const [row] = await tx.select().from(apps).where(and(eq(apps.tenantId, tenantId), eq(apps.id, appId))).for('update');
  return row;
}

/**
 * Locks the tenant and returns its quota and how many apps it has: concurrent creations for one
 * tenant wait here, so none counts before another has committed.
 */
export async function lockAppQuota(tx: Tx, tenantId: string): Promise<{ quota: number; used: number }> {
  const [tenant] = await tx.select({ quota: tenants.appQuota }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
  if (!tenant) throw new Error(`tenant ${tenantId} not found`);
  const [count] = await tx.select({ used: sql<number>`count(*)::int` }).from(apps).where(eq(apps.tenantId, tenantId));
  return { quota: tenant.quota, used: count?.used ?? 0 };
}

export async function nameTaken(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
  const rows = await tx
    .select({ id: apps.id })
    .from(apps)
    .where(and(eq(apps.tenantId, tenantId), sql`lower(${apps.name}) = lower(${name})`));
  return rows.some((r) => r.id !== exceptId);
}

export async function insertApp(tx: Tx, row: NewApp): Promise<AppRow> {
  const [created] = await tx.insert(apps).values(row).returning();
  if (!created) throw new Error('app insert returned nothing');
  return created;
}

export async function updateApp(tx: Tx, appId: string, changes: AppChanges & { appSecretHash?: string }): Promise<AppRow> {
  const [updated] = await tx.update(apps).set({ ...changes, updatedAt: sql`now()` }).where(eq(apps.id, appId)).returning();
  if (!updated) throw new Error(`app ${appId} vanished`);
  return updated;
}

/** Secrets are long random strings: a fast hash is enough, and only the hash is kept. */
export function hashAppSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export async function setAppQuota(tx: Tx, tenantId: string, quota: number): Promise<{ from: number; to: number } | undefined> {
  const [before] = await tx.select({ quota: tenants.appQuota }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
  if (!before) return undefined;
  await tx.update(tenants).set({ appQuota: quota }).where(eq(tenants.id, tenantId));
  return { from: before.quota, to: quota };
}

/** Each app's latest quality-check opt-out review id (pending, or how the last one ended). */
export async function latestOptOutReviews(db: Db | Tx, appIds: string[]): Promise<Map<string, string>> {
  if (appIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([qualityCheckOptOuts.appId], { appId: qualityCheckOptOuts.appId, reviewId: qualityCheckOptOuts.reviewId })
    .from(qualityCheckOptOuts)
    .where(inArray(qualityCheckOptOuts.appId, appIds))
    .orderBy(qualityCheckOptOuts.appId, desc(qualityCheckOptOuts.createdAt), desc(qualityCheckOptOuts.id));
  return new Map(rows.map((r) => [r.appId, r.reviewId]));
}

/** The app's opt-out still under review, if any. */
export async function pendingOptOut(db: Db | Tx, appId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ reviewId: qualityCheckOptOuts.reviewId })
    .from(qualityCheckOptOuts)
    .innerJoin(reviews, eq(reviews.id, qualityCheckOptOuts.reviewId))
    .where(and(eq(qualityCheckOptOuts.appId, appId), eq(reviews.status, 'pending')))
    .limit(1);
  return row?.reviewId;
}
