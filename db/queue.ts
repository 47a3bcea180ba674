import { and, asc, desc, eq, gte, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import { cursorInstant, cursorInteger, isUuid } from './cursor.js';
import { openReviewCounts, reviews, staff, tenants } from './schema.js';
import type { ReviewRow } from './reviews.js';
import { OPEN_STATUSES, type ReviewKind, type ReviewStatus, type SlaState } from '../domain/review.js';

/** The deadline state as the queue sorts it (reviews.urgency is generated from sla_state this way). */
const URGENCY: Record<SlaState, number> = { breached: 0, at_risk: 1, on_track: 2 };

export const QUEUE_SORTS = ['deadline', 'submitted', 'tenant'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export const QUEUE_DIRECTIONS = ['asc', 'desc'] as const;
export type QueueDirection = (typeof QUEUE_DIRECTIONS)[number];

export interface QueueFilter {
  /** deadline: breached, then at risk, then on track; reminded first within each; then soonest due, then first come first served. submitted: oldest first; tenant: by tenant name. */
  sort?: QueueSort;
  /** desc reverses the whole order, so paging and "next" still walk one row comparison. */
  dir?: QueueDirection;
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
  /** Decided (the latest decision) by this staff member, in [decidedFrom, decidedTo). */
  decidedBy?: string;
  decidedFrom?: Date;
  decidedTo?: Date;
  /** The item's name, its subject id or its tenant's name. */
  q?: string;
  after?: QueueCursor;
  limit: number;
}

/** Where the last page ended: the sort's values of its last row, then its id. */
export type QueueCursor = { sort: QueueSort; dir?: QueueDirection; values: (string | number)[]; id: string };

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
  if (f.decidedBy) where.push(eq(reviews.decidedBy, f.decidedBy));
  if (f.decidedFrom) where.push(gte(reviews.decidedAt, f.decidedFrom));
  if (f.decidedTo) where.push(lt(reviews.decidedAt, f.decidedTo));
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(reviews.title, like), eq(reviews.subjectId, f.q.toUpperCase()), ilike(tenants.name, like))!);
  }
  return where;
}

const at = (d: string | number) => sql`${String(d)}::timestamptz`;

/** The sort's columns and the cursor's values for them, in order, the id last. */
function keyColumns(c: QueueCursor): { columns: SQL[]; values: SQL[] } {
  const id = sql`${c.id}::uuid`;
  const [a, b, d, e] = c.values;
  if (c.sort === 'submitted') return { columns: [sql`${reviews.submittedAt}`, sql`${reviews.id}`], values: [at(a!), id] };
  if (c.sort === 'tenant') return { columns: [sql`${tenants.name}`, sql`${reviews.dueAt}`, sql`${reviews.id}`], values: [sql`${String(a)}`, at(b!), id] };
  return {
    columns: [sql`${reviews.urgency}`, sql`${reviews.queueBucket}`, sql`${reviews.dueAt}`, sql`${reviews.submittedAt}`, sql`${reviews.id}`],
    values: [sql`${Number(a)}`, sql`${Number(b)}`, at(d!), at(e!), id],
  };
}

/** Rows after the cursor in the order it was written for (before it, with `before`). */
function keyset(c: QueueCursor, before = false): SQL {
  const { columns, values } = keyColumns(c);
  const later = (c.dir === 'desc') !== before;
  return sql`(${sql.join(columns, sql`, `)}) ${later ? sql`<` : sql`>`} (${sql.join(values, sql`, `)})`;
}

function order(sort: QueueSort, dir: QueueDirection) {
  const by = dir === 'desc' ? desc : asc;
  if (sort === 'submitted') return [by(reviews.submittedAt), by(reviews.id)];
  if (sort === 'tenant') return [by(tenants.name), by(reviews.dueAt), by(reviews.id)];
  return [by(reviews.urgency), by(reviews.queueBucket), by(reviews.dueAt), by(reviews.submittedAt), by(reviews.id)];
}

function cursorOf(sort: QueueSort, dir: QueueDirection, row: Pick<QueueItem, 'id' | 'submittedAt' | 'dueAt' | 'urgency' | 'queueBucket' | 'tenantName'>): QueueCursor {
  if (sort === 'submitted') return { sort, dir, values: [row.submittedAt.toISOString()], id: row.id };
  if (sort === 'tenant') return { sort, dir, values: [row.tenantName, row.dueAt.toISOString()], id: row.id };
  return { sort, dir, values: [row.urgency, row.queueBucket, row.dueAt.toISOString(), row.submittedAt.toISOString()], id: row.id };
}

/**
 * The staff queue: keyset pagination on the sort's columns and the id, so a page is an index
 * range whatever the queue's size, and a row never shows twice when others arrive or leave.
 */
export async function listQueue(db: Db, f: QueueFilter): Promise<{ items: QueueItem[]; next: QueueCursor | null }> {
  const sort = f.sort ?? 'deadline';
  const dir = f.dir ?? 'asc';
  const where = viewConditions(f);
  if (f.after && f.after.sort === sort && (f.after.dir ?? 'asc') === dir) where.push(keyset(f.after));
  const rows = await db
    .select({ review: reviews, assigneeName: staff.name, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .leftJoin(staff, eq(staff.id, reviews.assigneeId))
    .where(and(...where))
    .orderBy(...order(sort, dir))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map((r) => ({ ...r.review, assigneeName: r.assigneeName, tenantName: r.tenantName }));
  const last = items[items.length - 1];
  return { items, next: rows.length > f.limit && last ? cursorOf(sort, dir, last) : null };
}

/** Every condition of the filter, its deadline state included. */
function viewConditions(f: Omit<QueueFilter, 'limit' | 'after'>): SQL[] {
  const where = conditions(f);
  // The same rows said by the sort key too, so the queue's index reads only that state's range.
  if (f.sla) where.push(eq(reviews.slaState, f.sla), eq(reviews.urgency, URGENCY[f.sla]));
  return where;
}

/** What places a review in a view's order; a caller holding the review's row gives it, which saves reading it. */
export type QueueAnchor = Pick<QueueItem, 'id' | 'submittedAt' | 'dueAt' | 'urgency' | 'queueBucket' | 'tenantName'>;

async function queueAnchor(db: Db, reviewId: string): Promise<QueueAnchor | undefined> {
  if (!isUuid(reviewId)) return undefined;
  const [row] = await db
    .select({ id: reviews.id, submittedAt: reviews.submittedAt, dueAt: reviews.dueAt, urgency: reviews.urgency, queueBucket: reviews.queueBucket, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .where(eq(reviews.id, reviewId));
  return row;
}

/**
 * Where a review stands in a view's order: a cursor at it, and how many of the view's rows come
 * before it. A review that has left the view (decided, released) keeps the place its sort values
 * give it, so "next" and "back" carry on from there. Undefined for an unknown review.
 */
export async function placeInQueue(db: Db, f: Omit<QueueFilter, 'limit' | 'after'>, review: string | QueueAnchor): Promise<{ cursor: QueueCursor; before: number } | undefined> {
  const row = typeof review === 'string' ? await queueAnchor(db, review) : review;
  if (!row) return undefined;
  const cursor = cursorOf(f.sort ?? 'deadline', f.dir ?? 'asc', row);
  const [counted] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .where(and(...viewConditions(f), keyset(cursor, true)));
  return { cursor, before: counted?.n ?? 0 };
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
  return Buffer.from(JSON.stringify([c.dir === 'desc' ? `${c.sort}:desc` : c.sort, ...c.values, c.id])).toString('base64url');
}

/** A cursor this page wrote, or undefined (anything else starts from the first page). */
export function decodeQueueCursor(s: string): QueueCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (!Array.isArray(v)) return undefined;
    const [head, ...rest] = v as unknown[];
    const id = rest.pop();
    if (!isUuid(id) || typeof head !== 'string') return undefined;
    const dir: QueueDirection = head.endsWith(':desc') ? 'desc' : 'asc';
    const sort = dir === 'desc' ? head.slice(0, -':desc'.length) : head;
    if (sort === 'submitted' && rest.length === 1 && cursorInstant(rest[0])) return { sort, dir, values: [rest[0] as string], id };
    if (sort === 'tenant' && rest.length === 2 && typeof rest[0] === 'string' && rest[0].length <= 200 && cursorInstant(rest[1])) {
      return { sort, dir, values: [rest[0], rest[1] as string], id };
    }
    if (sort === 'deadline' && rest.length === 4 && cursorInteger(rest[0]) !== undefined && cursorInteger(rest[1]) !== undefined && cursorInstant(rest[2]) && cursorInstant(rest[3])) {
      return { sort, dir, values: [rest[0] as number, rest[1] as number, rest[2] as string, rest[3] as string], id };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
