import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { numberOrderCities, numberOrders, numbers } from './schema.js';
import type { CityProgress } from '../domain/numbers.js';

export type NumberRow = typeof numbers.$inferSelect;
export type NumberOrderRow = typeof numberOrders.$inferSelect;

export async function findOrderOfReview(db: Db | Tx, reviewId: string): Promise<NumberOrderRow | undefined> {
  const [row] = await db.select().from(numberOrders).where(eq(numberOrders.reviewId, reviewId));
  return row;
}

export async function findOrder(db: Db | Tx, id: string): Promise<NumberOrderRow | undefined> {
  const [row] = await db.select().from(numberOrders).where(eq(numberOrders.id, id));
  return row;
}

/**
 * Each city of an order with how many numbers it ordered and how many were issued (a number
 * released since still counts: it was issued against this order).
 */
export async function orderProgress(db: Db | Tx, orderId: string): Promise<CityProgress[]> {
  const rows = await db
    .select({
      city: numberOrderCities.city,
      ordered: numberOrderCities.ordered,
      issued: sql<number>`(select count(*)::int from numbers n where n.order_id = number_order_cities.order_id and n.city = number_order_cities.city)`,
    })
    .from(numberOrderCities)
    .where(eq(numberOrderCities.orderId, orderId))
    .orderBy(asc(numberOrderCities.position));
  return rows.map((r) => ({ city: r.city, ordered: r.ordered, issued: Number(r.issued) }));
}

export async function numbersOfOrder(db: Db | Tx, orderId: string): Promise<NumberRow[]> {
  return db.select().from(numbers).where(eq(numbers.orderId, orderId)).orderBy(asc(numbers.id));
}

/** Which of these numbers are active anywhere on the platform (with any tenant). */
export async function activeAmong(db: Db | Tx, candidates: string[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const rows = await db.execute<{ number: string }>(sql`
    select n.number from numbers n
    where n.status = 'active' and n.number in (select jsonb_array_elements_text(${JSON.stringify(candidates)}::jsonb))`);
  return new Set([...rows].map((r) => r.number));
}

/** Whether a staff request (its form token) has issued numbers already. */
export async function issuedWith(db: Db | Tx, requestKey: string): Promise<boolean> {
  const [row] = await db.select({ id: numbers.id }).from(numbers).where(eq(numbers.issueKey, requestKey)).limit(1);
  return row !== undefined;
}

export interface NumberListFilter {
  tenantId: string;
  status?: 'active' | 'released';
  afterId?: number;
  limit: number;
}

/** A tenant's numbers in the order they were issued, keyset-paginated on id. */
export async function listTenantNumbers(db: Db, f: NumberListFilter): Promise<NumberRow[]> {
  return db
    .select()
    .from(numbers)
    .where(and(eq(numbers.tenantId, f.tenantId), f.status ? eq(numbers.status, f.status) : undefined, f.afterId !== undefined ? gt(numbers.id, f.afterId) : undefined))
    .orderBy(asc(numbers.id))
    .limit(f.limit);
}
