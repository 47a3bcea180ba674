import { z } from 'zod';
import { QUEUE_DIRECTIONS, QUEUE_SORTS, type QueueFilter } from '../../db/queue.js';
import { REVIEW_STATUSES } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import { UUID } from '../../domain/ids.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A day that exists (2026-13-45 matches the pattern but is no date). */
const isDay = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
/**
 * Days are clamped into the years a submission can have been made in: a day in year 1 starts in
 * year 0 at UTC+8, which PostgreSQL cannot hold ("date/time field value out of range").
 */
const FIRST_DAY = '1970-01-01';
const LAST_DAY = '9999-12-31';
const clampDay = (v: string) => (v < FIRST_DAY ? FIRST_DAY : v > LAST_DAY ? LAST_DAY : v);
const day = z.string().refine(isDay).transform(clampDay).optional().catch(undefined);

/** The most rows one queue page shows at once (a reload or "back" keeping the rows loaded so far). */
export const MAX_SHOWN = 500;

/**
 * The queue's filters as they travel in the URL. Anything odd is dropped rather than refused:
 * a shared or stale link still opens, showing what it can.
 */
export const queueQuery = z.object({
  view: z.enum(['all', 'mine']).catch('all').default('all'),
  kind: z.enum(REVIEW_KINDS).optional().catch(undefined),
  status: z.enum(['open', 'all', ...REVIEW_STATUSES]).catch('open').default('open'),
  sla: z.enum(['on_track', 'at_risk', 'breached']).optional().catch(undefined),
  reminded: z.enum(['yes', 'no']).optional().catch(undefined),
  assignee: z.union([z.enum(['me', 'none']), z.string().regex(UUID)]).optional().catch(undefined),
  tenant: z.string().regex(UUID).optional().catch(undefined),
  from: day,
  to: day,
  /** Decided by this staff member (the latest decision), any day or within decidedFrom..decidedTo. */
  decider: z.string().regex(UUID).optional().catch(undefined),
  decidedFrom: day,
  decidedTo: day,
  q: z.string().trim().max(100).optional().catch(undefined).transform((v) => v || undefined),
  sort: z.enum(QUEUE_SORTS).catch('deadline').default('deadline'),
  dir: z.enum(QUEUE_DIRECTIONS).catch('asc').default('asc'),
  cursor: z.string().max(400).optional().catch(undefined),
  shown: z.coerce.number().int().min(1).max(MAX_SHOWN).optional().catch(undefined),
});
export type QueueQuery = z.infer<typeof queueQuery>;

const FILTER_KEYS = ['view', 'kind', 'status', 'sla', 'reminded', 'assignee', 'tenant', 'from', 'to', 'decider', 'decidedFrom', 'decidedTo', 'q', 'sort', 'dir'] as const;
const DEFAULTS: Partial<Record<(typeof FILTER_KEYS)[number], string>> = { view: 'all', status: 'open', sort: 'deadline', dir: 'asc' };

/** The query string of these filters with some changed (undefined removes one); defaults are left out. */
export function queueUrl(q: QueueQuery, change: Partial<Record<(typeof FILTER_KEYS)[number] | 'cursor' | 'shown', string | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = key in change ? change[key] : q[key];
    if (value !== undefined && value !== DEFAULTS[key]) params.set(key, String(value));
  }
  if (change.cursor) params.set('cursor', change.cursor);
  if (change.shown) params.set('shown', change.shown);
  const s = params.toString();
  return s ? `/queue?${s}` : '/queue';
}

/**
 * A view as another page carries it (`from=/queue?…`): read through the queue's own filters and
 * written again, so what comes back is always one of our queue URLs with only known filters,
 * whatever was sent. Anything that is not a queue URL is the whole queue.
 */
export function viewFrom(from: unknown): QueueQuery {
  const text = typeof from === 'string' && from.length <= 1000 ? from : '';
  const url = /^\/queue(\?|$)/.test(text) ? new URL(text, 'http://queue.invalid') : undefined;
  const { cursor: _cursor, shown: _shown, ...q } = queueQuery.parse(url && url.pathname === '/queue' ? Object.fromEntries(url.searchParams) : {});
  return q;
}

/** A date in the platform's zone (UTC+8) as the instant its day starts. */
const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

export function toQueueFilter(q: QueueQuery, me: string): Omit<QueueFilter, 'limit' | 'after'> {
  const assigneeId = q.view === 'mine' || q.assignee === 'me' ? me : q.assignee === 'none' ? null : q.assignee;
  const to = q.to ? new Date(dayStart(q.to).getTime() + 86_400_000) : undefined;
  const dayAfter = (d: string) => new Date(dayStart(d).getTime() + 86_400_000);
  return {
    sort: q.sort,
    dir: q.dir,
    kind: q.kind,
    status: q.status,
    sla: q.sla,
    reminded: q.reminded === undefined ? undefined : q.reminded === 'yes',
    assigneeId,
    tenantId: q.tenant,
    from: q.from ? dayStart(q.from) : undefined,
    to,
    decidedBy: q.decider,
    decidedFrom: q.decidedFrom ? dayStart(q.decidedFrom) : undefined,
    decidedTo: q.decidedTo ? dayAfter(q.decidedTo) : undefined,
    q: q.q,
  };
}
