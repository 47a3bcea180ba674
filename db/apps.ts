import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { apps } from './schema.js';

export type AppRow = typeof apps.$inferSelect;

/** This tenant's app, or undefined (another tenant's app is simply not found). */
export async function findTenantApp(db: Db | Tx, tenantId: string, appId: string): Promise<AppRow | undefined> {
  const [row] = await db.select().from(apps).where(and(eq(apps.tenantId, tenantId), eq(apps.id, appId)));
  return row;
}

export async function listTenantApps(db: Db | Tx, tenantId: string): Promise<AppRow[]> {
  return db.select().from(apps).where(eq(apps.tenantId, tenantId)).orderBy(asc(apps.createdAt), asc(apps.id));
}
