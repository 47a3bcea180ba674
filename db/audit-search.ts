import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import type { DayRange } from '../domain/reporting-period.js';

/** Reading the audit log: filtered, newest first, keyset-paginated on its id. Nothing here writes. */

export interface AuditFilter {
  /**
   * A person: a staff member's e-mail (whole) or any part of their name, or any actor's label as
   * recorded (whole), ignoring case.
   */
  actor?: string;
  /** Every code the action's rows may carry (its current name and any former one). */
  actions?: string[];
  objectType?: string;
  objectId?: string;
  period?: DayRange & { timeZone: string };
  /** Only rows older than this id (the last row of the previous page). */
  beforeId?: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

function whereOf(f: AuditFilter): SQL {
  const where: SQL[] = [sql`true`];
  if (f.actor) {
    // Staff are few: their ids are found first, so the log itself is still walked by its own indexes.
    const part = `%${f.actor.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(lower(actor_label) = lower(${f.actor}) or (actor_type = 'staff' and actor_id in (
      select id::text from staff where lower(email) = lower(${f.actor}) or name ilike ${part})))`);
  }
  if (f.actions?.length) where.push(sql`action in (${sql.join(f.actions.map((a) => sql`${a}`), sql`, `)})`);
  if (f.objectType) where.push(sql`object_type = ${f.objectType}`);
  if (f.objectId) where.push(sql`object_id = ${f.objectId}`);
  if (f.period) {
    where.push(sql`at >= (${f.period.from}::date::timestamp at time zone ${f.period.timeZone})`);
    where.push(sql`at < ((${f.period.to}::date + 1)::timestamp at time zone ${f.period.timeZone})`);
  }
  if (f.beforeId !== undefined) where.push(sql`id < ${f.beforeId}`);
  return sql.join(where, sql` and `);
}

type RawRow = {
  id: string | number;
  at: string | Date;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
};

const toRow = (r: RawRow): AuditRow => ({
  id: Number(r.id),
  at: new Date(r.at),
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  action: r.action,
  objectType: r.object_type,
  objectId: r.object_id,
  ip: r.ip,
  details: r.details ?? {},
});

/** One page of matching rows, newest first; `next` is the id to continue before, when there are more. */
export async function searchAudit(db: Db, f: AuditFilter, limit: number): Promise<{ rows: AuditRow[]; next: number | null }> {
  const raw = await db.execute<RawRow>(sql`
    select id, at, actor_type, actor_id, actor_label, action, object_type, object_id, ip, details
    from audit_log where ${whereOf(f)}
    order by id desc
    limit ${limit + 1}`);
  const rows = raw.slice(0, limit).map(toRow);
  return { rows, next: raw.length > limit ? rows[rows.length - 1]!.id : null };
}

/** Every matching row, newest first, a page at a time (for exports of any size). */
export async function* eachAuditRow(db: Db, f: AuditFilter, pageSize = 1000): AsyncGenerator<AuditRow> {
  let beforeId = f.beforeId;
  for (;;) {
    const page = await searchAudit(db, { ...f, beforeId }, pageSize);
    yield* page.rows;
    if (page.next === null) return;
    beforeId = page.next;
  }
}

/**
 * The distinct values of an indexed column, one index probe each (a loose index scan), so the
 * filter's choices cost the same with ten rows or ten million.
 */
async function distinctValues(db: Db, column: 'action' | 'object_type'): Promise<string[]> {
  const col = sql.identifier(column);
  const rows = await db.execute<{ v: string }>(sql`
    with recursive d(v) as (
      (select ${col} from audit_log order by ${col} limit 1)
      union all
      select (select ${col} from audit_log where ${col} > d.v order by ${col} limit 1) from d where d.v is not null
    )
    select v from d where v is not null`);
  return rows.map((r) => r.v);
}

export const auditActionsInUse = (db: Db) => distinctValues(db, 'action');
export const auditObjectTypesInUse = (db: Db) => distinctValues(db, 'object_type');
