import { and, asc, eq, gte, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import { cursorInstant, cursorInteger, isUuid } from './cursor.js';
import { openReviewCounts, reviews, staff, tenants } from './schema.js';
import type { ReviewRow } from './reviews.js';
import { OPEN_STATUSES, type ReviewKind, type ReviewStatus, type SlaState } from '../domain/review.js';

/** The deadline state as the queue sorts it (reviews.urgency is generated from sla_state this way). */
const URGENCY: Record<SlaState, number> = { breached: 0, at_risk: 1, on_track: 2 };

export const QUEUE_SORTS = ['deadline', 'submitted', 'tenant'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

export interface QueueFilter {
  /** deadline: breached, then at risk, then on track; reminded first within each; then soonest due, then first come first served. submitted: oldest first; tenant: by tenant name. */
  sort?: QueueSort;
  kind?: ReviewKind;
  /** 'open' (default) is pending and provisioning; 'all' is every status. */
  status?: ReviewStatus | 'open' | 'all';
  sla?: SlaState;
  reminded?: boolean;
  /** A staff id, or null for unassigned work; a claim idle longer than `claimIdleMinutes` counts as none. */
  assigneeId?: string | null;
  claimIdleMinutes?: number;
  tenantId?: string;
  /** Submitted in [from, to). */
  from?: Date;
  to?: Date;
  /** The item's name, its subject id or its tenant's name. */
  q?: string;
  after?: QueueCursor;
  limit: number;
}

/** Where the last page ended: the sort's values of its last row, then its id. */
export type QueueCursor = { sort: QueueSort; values: (string | number)[]; id: string };

export interface QueueItem extends ReviewRow {
  assigneeName: string | null;
  tenantName: string;
}

/**
 * A review's claim has lapsed: `claimLapsed` of domain/review.ts said in SQL, so the queue's
 * filters agree with the page. No limit (absent or 0) means a claim never lapses: no condition.
 */
export function claimLapsedSql(idleMinutes: number | undefined): SQL | undefined {
  return idleMinutes ? sql`${reviews.assignedAt} < now() - make_interval(mins => ${idleMinutes})` : undefined;
}

function statusCondition(status: QueueFilter['status']): SQL | undefined {
  if (status === 'all') return undefined;
  if (status === undefined || status === 'open') return inArray(reviews.status, [...OPEN_STATUSES]);
  return eq(reviews.status, status);
}

/** Every condition of the filter but the deadline state, which the counts group by. */
function conditions(f: Omit<QueueFilter, 'limit' | 'after' | 'sort'>): SQL[] {
  const where: SQL[] = [];
  const status = statusCondition(f.status);
  if (status) where.push(status);
  if (f.kind) where.push(eq(reviews.kind, f.kind));
  if (f.reminded !== undefined) where.push(eq(reviews.queueBucket, f.reminded ? 0 : 1));
  const lapsed = claimLapsedSql(f.claimIdleMinutes);
  if (f.assigneeId === null) where.push(lapsed ? or(isNull(reviews.assigneeId), lapsed)! : isNull(reviews.assigneeId));
  else if (f.assigneeId) {
    where.push(eq(reviews.assigneeId, f.assigneeId));
    if (lapsed) where.push(sql`not (${lapsed})`);
  }
  if (f.tenantId) where.push(eq(reviews.tenantId, f.tenantId));
  if (f.from) where.push(gte(reviews.submittedAt, f.from));
  if (f.to) where.push(lt(reviews.submittedAt, f.to));
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(reviews.title, like), eq(reviews.subjectId, f.q.toUpperCase()), ilike(tenants.name, like))!);
  }
  return where;
}

const at = (d: string | number) => sql`${String(d)}::timestamptz`;

function keyset(c: QueueCursor): SQL {
  const id = sql`${c.id}::uuid`;
  const [a, b, d] = c.values;
  if (c.sort === 'submitted') return sql`(${reviews.submittedAt}, ${reviews.id}) > (${at(a!)}, ${id})`;
  if (c.sort === 'tenant') return sql`(${tenants.name}, ${reviews.dueAt}, ${reviews.id}) > (${String(a)}, ${at(b!)}, ${id})`;
  const e = c.values[3];
  return sql`(${reviews.urgency}, ${reviews.queueBucket}, ${reviews.dueAt}, ${reviews.submittedAt}, ${reviews.id}) > (${Number(a)}, ${Number(b)}, ${at(d!)}, ${at(e!)}, ${id})`;
}

function order(sort: QueueSort) {
  if (sort === 'submitted') return [asc(reviews.submittedAt), asc(reviews.id)];
  if (sort === 'tenant') return [asc(tenants.name), asc(reviews.dueAt), asc(reviews.id)];
  return [asc(reviews.urgency), asc(reviews.queueBucket), asc(reviews.dueAt), asc(reviews.submittedAt), asc(reviews.id)];
}

function cursorOf(sort: QueueSort, row: QueueItem): QueueCursor {
  if (sort === 'submitted') return { sort, values: [row.submittedAt.toISOString()], id: row.id };
  if (sort === 'tenant') return { sort, values: [row.tenantName, row.dueAt.toISOString()], id: row.id };
  return { sort, values: [row.urgency, row.queueBucket, row.dueAt.toISOString(), row.submittedAt.toISOString()], id: row.id };
}

/**
 * The staff queue: keyset pagination on the sort's columns and the id, so a page is an index
 * range whatever the queue's size, and a row never shows twice when others arrive or leave.
 */
export async function listQueue(db: Db, f: QueueFilter): Promise<{ items: QueueItem[]; next: QueueCursor | null }> {
  const sort = f.sort ?? 'deadline';
  const where = conditions(f);
  // The same rows said by the sort key too, so the queue's index reads only that state's range.
  if (f.sla) where.push(eq(reviews.slaState, f.sla), eq(reviews.urgency, URGENCY[f.sla]));
  if (f.after && f.after.sort === sort) where.push(keyset(f.after));
  const rows = await db
    .select({ review: reviews, assigneeName: staff.name, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .leftJoin(staff, eq(staff.id, reviews.assigneeId))
    .where(and(...where))
    .orderBy(...order(sort))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map((r) => ({ ...r.review, assigneeName: r.assigneeName, tenantName: r.tenantName }));
  const last = items[items.length - 1];
  return { items, next: rows.length > f.limit && last ? cursorOf(sort, last) : null };
}

/** The filter asks for every open review, or every open review of one kind: the kept counts answer it. */
function keptCountsServe(f: Omit<QueueFilter, 'limit' | 'after' | 'sort' | 'sla'>): boolean {
  return (
    (f.status === undefined || f.status === 'open') &&
    f.reminded === undefined &&
    f.assigneeId === undefined &&
    !f.tenantId &&
    !f.from &&
    !f.to &&
    !f.q
  );
}

/** How many reviews match the filter in each deadline state (the filter's own state aside). */
export async function countBySla(db: Db, f: Omit<QueueFilter, 'limit' | 'after' | 'sort' | 'sla'>): Promise<Record<SlaState, number>> {
  const counts: Record<SlaState, number> = { on_track: 0, at_risk: 0, breached: 0 };
  if (keptCountsServe(f)) {
    // A few dozen rows kept by triggers in the same transaction as every change, instead of every open review.
    const kept = await db
      .select({ sla: openReviewCounts.slaState, n: sql<number>`sum(${openReviewCounts.n})::int` })
      .from(openReviewCounts)
      .where(f.kind ? eq(openReviewCounts.kind, f.kind) : undefined)
      .groupBy(openReviewCounts.slaState);
    for (const r of kept) counts[r.sla] = r.n;
    return counts;
  }
  const where = conditions(f);
  const base = db.select({ sla: reviews.slaState, n: sql<number>`count(*)::int` }).from(reviews);
  const rows = await (f.q ? base.innerJoin(tenants, eq(tenants.id, reviews.tenantId)) : base).where(and(...where)).groupBy(reviews.slaState);
  for (const r of rows) counts[r.sla] = r.n;
  return counts;
}

export function encodeQueueCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify([c.sort, ...c.values, c.id])).toString('base64url');
}

/** A cursor this page wrote, or undefined (anything else starts from the first page). */
export function decodeQueueCursor(s: string): QueueCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v)) return undefined;
    const [sort, ...rest] = v as unknown[];
    const id = rest.pop();
    if (!isUuid(id)) return undefined;
    if (sort === 'submitted' && rest.length === 1 && cursorInstant(rest[0])) return { sort, values: [rest[0] as string], id };
    if (sort === 'tenant' && rest.length === 2 && typeof rest[0] === 'string' && rest[0].length <= 200 && cursorInstant(rest[1])) {
      return { sort, values: [rest[0], rest[1] as string], id };
    }
    if (sort === 'deadline' && rest.length === 4 && cursorInteger(rest[0]) !== undefined && cursorInteger(rest[1]) !== undefined && cursorInstant(rest[2]) && cursorInstant(rest[3])) {
      return { sort, values: [rest[0] as number, rest[1] as number, rest[2] as string, rest[3] as string], id };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
