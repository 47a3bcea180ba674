import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.js';
import type { DayRange } from '../domain/reporting-period.js';
import type { ReviewKind, SlaState } from '../domain/review.js';

/**
 * The back office's own figures, aggregated in SQL. Counts come from the review timeline
 * (review_events), so every round counts (a rejected round stays counted after the tenant
 * resubmits), and from the read model (reviews) for what is open now. The period is whole days
 * in the display time zone; events are found through review_events_type_at_idx.
 */

export interface FigureScope {
  kind?: ReviewKind;
  tenantId?: string;
  /** A reviewer's own slice: the decisions they made, and everything else about reviews assigned to them. */
  staffId?: string;
}

export interface FigurePeriod extends DayRange {
  timeZone: string;
}

const DECISIONS = sql`('approved', 'rejected')`;

/**
 * The deadline a decision is measured against: the one recorded with it; for decisions recorded
 * before that, the review's deadline while the round is still current. A decision with neither
 * counts as on time (its round's deadline never passed undecided, or a breach would say so).
 */
const ON_TIME = sql`e.at <= coalesce((e.data->>'dueAt')::timestamptz, case when e.round = r.round then r.due_at end, e.at)`;

const start = (p: FigurePeriod) => sql`(${p.from}::date::timestamp at time zone ${p.timeZone})`;
const end = (p: FigurePeriod) => sql`((${p.to}::date + 1)::timestamp at time zone ${p.timeZone})`;

function scopeOf(s: FigureScope, eventAlias: 'e' | 'm'): SQL[] {
  const where: SQL[] = [];
  if (s.kind) where.push(sql`r.kind = ${s.kind}`);
  if (s.tenantId) where.push(sql`r.tenant_id = ${s.tenantId}::uuid`);
  if (s.staffId) {
    where.push(
      eventAlias === 'e'
        ? sql`(case when e.type in ${DECISIONS} then e.actor_id = ${s.staffId} else r.assignee_id = ${s.staffId}::uuid end)`
        : sql`r.assignee_id = ${s.staffId}::uuid`,
    );
  }
  return where;
}

const and = (parts: SQL[]) => (parts.length === 0 ? sql`` : sql` and ${sql.join(parts, sql` and `)}`);

export interface DayKindFigures {
  day: string;
  kind: string;
  /** Rounds submitted: first submissions and resubmissions. */
  submitted: number;
  decided: number;
  approved: number;
  rejected: number;
  onTime: number;
  late: number;
  /** Rounds whose deadline passed undecided, recorded that day. */
  breached: number;
  /** Reminders received that day, and what became of them. */
  reminders: number;
  remindersAnswered: number;
  remindersEscalated: number;
  remindersOpen: number;
}

export const EMPTY_FIGURES = {
  submitted: 0,
  decided: 0,
  approved: 0,
  rejected: 0,
  onTime: 0,
  late: 0,
  breached: 0,
  reminders: 0,
  remindersAnswered: 0,
  remindersEscalated: 0,
  remindersOpen: 0,
} as const;
export type Figures = { -readonly [K in keyof typeof EMPTY_FIGURES]: number };

/** Figures per day and kind, only for days and kinds that have any. */
export async function dailyFigures(db: Db, period: FigurePeriod, scope: FigureScope): Promise<DayKindFigures[]> {
  // Grouped on the date itself (cast to text only for the answer): a narrower sort key.
  const eventsQuery = db.execute<{ day: string; kind: string; submitted: number; decided: number; approved: number; rejected: number; on_time: number; breached: number }>(sql`
    select day::text as day, kind, submitted, decided, approved, rejected, on_time, breached from (
      select (e.at at time zone ${period.timeZone})::date as day, r.kind,
        count(*) filter (where e.type in ('submitted', 'resubmitted'))::int as submitted,
        count(*) filter (where e.type in ${DECISIONS})::int as decided,
        count(*) filter (where e.type = 'approved')::int as approved,
        count(*) filter (where e.type = 'rejected')::int as rejected,
        count(*) filter (where e.type in ${DECISIONS} and ${ON_TIME})::int as on_time,
        count(*) filter (where e.type = 'breached')::int as breached
      from review_events e
      join reviews r on r.id = e.review_id
      where e.type in ('submitted', 'resubmitted', 'approved', 'rejected', 'breached')
        and e.at >= ${start(period)} and e.at < ${end(period)}${and(scopeOf(scope, 'e'))}
      group by 1, 2
    ) g`);

  // A reminder is answered by a staff reply or a decision in its round after it, escalated when
  // its answer time passed, and open while neither happened and its round still waits. The
  // reminders are materialised first so each one's lookups run once, not once per use.
  const remindersQuery = db.execute<{ day: string; kind: string; received: number; answered: number; escalated: number; open: number }>(sql`
    with m as materialized (
      select (m.at at time zone ${period.timeZone})::date as day, r.kind,
        exists (select 1 from review_events a where a.review_id = m.review_id and a.round = m.round
                  and a.type in ('reminder_replied', 'approved', 'rejected') and a.at >= m.at) as answered,
        exists (select 1 from review_events x where x.review_id = m.review_id and x.round = m.round
                  and x.type = 'reminder_escalated' and x.data->'number' = m.data->'number') as escalated,
        (r.round = m.round and r.status = 'pending') as still_waiting
      from review_events m
      join reviews r on r.id = m.review_id
      where m.type = 'reminded' and m.at >= ${start(period)} and m.at < ${end(period)}${and(scopeOf(scope, 'm'))}
    )
    select day::text as day, kind, count(*)::int as received,
      count(*) filter (where answered)::int as answered,
      count(*) filter (where escalated)::int as escalated,
      count(*) filter (where not answered and still_waiting)::int as open
    from m
    group by m.day, m.kind`);
  const [events, reminders] = await Promise.all([eventsQuery, remindersQuery]);

  const byKey = new Map<string, DayKindFigures>();
  const entry = (day: string, kind: string) => {
    const key = `${day}|${kind}`;
    let f = byKey.get(key);
    if (!f) byKey.set(key, (f = { day, kind, ...EMPTY_FIGURES }));
    return f;
  };
  for (const r of events) {
    const f = entry(r.day, r.kind);
    Object.assign(f, { submitted: r.submitted, decided: r.decided, approved: r.approved, rejected: r.rejected, onTime: r.on_time, late: r.decided - r.on_time, breached: r.breached });
  }
  for (const r of reminders) {
    Object.assign(entry(r.day, r.kind), { reminders: r.received, remindersAnswered: r.answered, remindersEscalated: r.escalated, remindersOpen: r.open });
  }
  return [...byKey.values()].sort((a, b) => (a.day === b.day ? a.kind.localeCompare(b.kind) : a.day.localeCompare(b.day)));
}

export interface ReviewerFigures {
  /** 'staff', or 'system' for the automatic check. */
  actorType: string;
  actorId: string | null;
  name: string;
  decided: number;
  approved: number;
  rejected: number;
  onTime: number;
  late: number;
}

/** Decisions per person (and the automatic check), most first. */
export async function reviewerFigures(db: Db, period: FigurePeriod, scope: FigureScope): Promise<ReviewerFigures[]> {
  const rows = await db.execute<{ actor_type: string; actor_id: string | null; name: string | null; decided: number; approved: number; rejected: number; on_time: number }>(sql`
    select e.actor_type, e.actor_id, coalesce(max(s.name), max(e.actor_name)) as name,
      count(*)::int as decided,
      count(*) filter (where e.type = 'approved')::int as approved,
      count(*) filter (where e.type = 'rejected')::int as rejected,
      count(*) filter (where ${ON_TIME})::int as on_time
    from review_events e
    join reviews r on r.id = e.review_id
    left join staff s on s.id::text = e.actor_id
    where e.type in ${DECISIONS} and e.at >= ${start(period)} and e.at < ${end(period)}${and(scopeOf(scope, 'e'))}
    group by e.actor_type, e.actor_id
    order by decided desc, name`);
  return rows.map((r) => ({
    actorType: r.actor_type,
    actorId: r.actor_id,
    name: r.name ?? '',
    decided: r.decided,
    approved: r.approved,
    rejected: r.rejected,
    onTime: r.on_time,
    late: r.decided - r.on_time,
  }));
}

export interface BacklogCell {
  kind: string;
  sla: SlaState;
  count: number;
  /** Of these, reviews with a reminder waiting for its answer, and those whose answer time has passed. */
  remindersOpen: number;
  remindersOverdue: number;
}

/** Reviews waiting for a decision now, by kind and deadline state. */
export async function backlog(db: Db, scope: FigureScope, now: Date): Promise<BacklogCell[]> {
  const where: SQL[] = [];
  if (scope.kind) where.push(sql`kind = ${scope.kind}`);
  if (scope.tenantId) where.push(sql`tenant_id = ${scope.tenantId}::uuid`);
  if (scope.staffId) where.push(sql`assignee_id = ${scope.staffId}::uuid`);
  const rows = await db.execute<{ kind: string; sla: SlaState; n: number; open: number; overdue: number }>(sql`
    select kind, sla_state as sla, count(*)::int as n,
      count(*) filter (where reminder_answer_due_at is not null)::int as open,
      count(*) filter (where reminder_answer_due_at <= ${now.toISOString()}::timestamptz)::int as overdue
    from reviews
    where status = 'pending'${and(where)}
    group by 1, 2`);
  return rows.map((r) => ({ kind: r.kind, sla: r.sla, count: r.n, remindersOpen: r.open, remindersOverdue: r.overdue }));
}

/** Sums figures (per kind, per day or overall). */
export function sumFigures(rows: readonly Figures[]): Figures {
  const total: Figures = { ...EMPTY_FIGURES };
  for (const r of rows) for (const k of Object.keys(total) as (keyof Figures)[]) total[k] += r[k];
  return total;
}
