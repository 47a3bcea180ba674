import { and, asc, eq, sql } from 'drizzle-orm';
import { contacts, tenants } from './schema.js';
import type { Db, Tx } from './client.js';
import type { ContactInput } from '../domain/contacts.js';
import { UUID } from '../domain/ids.js';

export type ContactRow = typeof contacts.$inferSelect;

export async function listContacts(db: Db | Tx, tenantId: string): Promise<ContactRow[]> {
  return db.select().from(contacts).where(eq(contacts.tenantId, tenantId)).orderBy(asc(contacts.createdAt), asc(contacts.id));
}

/** Locks the tenant row so concurrent creations count contacts one at a time. */
export async function lockTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
}

export async function countContacts(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(contacts).where(eq(contacts.tenantId, tenantId));
  return row?.n ?? 0;
}

export async function insertContact(tx: Tx, tenantId: string, input: ContactInput): Promise<ContactRow> {
  const [row] = await tx.insert(contacts).values({ tenantId, ...input }).returning();
  if (!row) throw new Error('contact insert returned nothing');
  return row;
}

export async function updateContact(db: Db | Tx, tenantId: string, id: string, input: ContactInput): Promise<ContactRow | undefined> {
  const [row] = await db.update(contacts).set(input).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))).returning();
  return row;
}

export async function deleteContact(db: Db | Tx, tenantId: string, id: string): Promise<boolean> {
  const rows = await db.delete(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id))).returning({ id: contacts.id });
  return rows.length > 0;
}


/** This tenant's contact, or undefined (another tenant's is simply not found). */
export async function findTenantContact(db: Db | Tx, tenantId: string, id: string): Promise<ContactRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await db.select().from(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, id)));
  return row;
}
