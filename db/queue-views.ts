import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { isUuid } from './cursor.js';
import { queueViews } from './schema.js';

export type QueueViewRow = typeof queueViews.$inferSelect;

export async function listQueueViews(db: Db, staffId: string): Promise<QueueViewRow[]> {
  return db.select().from(queueViews).where(eq(queueViews.staffId, staffId)).orderBy(asc(queueViews.createdAt), asc(queueViews.id));
}

/** This person's view, or undefined (someone else's is simply not found). */
export async function findQueueView(db: Db, staffId: string, id: string): Promise<QueueViewRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(queueViews).where(and(eq(queueViews.staffId, staffId), eq(queueViews.id, id)));
  return row;
}

/**
 * Saves the view under its name, or points an existing view of that name at these filters.
 * Refused (undefined) when the person already has `limit` views and this name is new. The limit
 * keeps the queue's tab row and its counts small; one person saving twice at the same instant
 * may pass it by one, which does no harm.
 */
export async function saveQueueView(db: Db, staffId: string, name: string, url: string, limit: number): Promise<QueueViewRow | undefined> {
  const rows = await db.execute<{ id: string }>(sql`
    insert into ${queueViews} (staff_id, name, url)
    select ${staffId}::uuid, ${name}, ${url}
    where exists (select 1 from ${queueViews} where staff_id = ${staffId}::uuid and name = ${name})
       or (select count(*) from ${queueViews} where staff_id = ${staffId}::uuid) < ${limit}
    on conflict (staff_id, name) do update set url = excluded.url
    returning id`);
  const id = rows[0]?.id;
  return id ? findQueueView(db, staffId, id) : undefined;
}

export async function deleteQueueView(db: Db, staffId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.delete(queueViews).where(and(eq(queueViews.staffId, staffId), eq(queueViews.id, id))).returning({ id: queueViews.id });
  return rows.length > 0;
}
