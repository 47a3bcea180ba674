import { bulkReasonChoices } from '../use-cases/bulk-decide.js';
import { Router, type Request, type Response } from 'express';
import { countBySla, decodeQueueCursor, encodeQueueCursor, listQueue, type QueueItem } from '../../db/queue.js';
import { listDeciders } from '../../db/staff.js';
import { listTenantNames } from '../../db/tenants-admin.js';
import { KINDS } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { currentHolder, isOpenStatus, REVIEW_STATUSES, type ReviewKind } from '../../domain/review.js';
import { timeLeft } from '../../domain/time-left.js';
import type { AppDeps } from '../deps.js';
import { timeLeftText } from '../../i18n/time-left-text.js';
import type { Csrf } from './csrf.js';
import { queueQuery, queueUrl, toQueueFilter, type QueueQuery } from './queue-filters.js';
import { viewsWithCounts } from './queue-views.js';
import { VIEW_NAME_MAX } from '../use-cases/queue-views.js';
import { isHtmx, readerLanguage, renderPage } from './render.js';
import { ALL_STAFF, requireRole, staffOf } from './session.js';

export const QUEUE_PAGE_SIZE = 50;

const SLA_STATES = ['breached', 'at_risk', 'on_track'] as const;

/**
 * A sortable column's header: its link sorts by it ascending, or turns an ascending sort around;
 * `aria-sort` says which way the table is sorted now.
 */
function sortHead(q: QueueQuery, sort: QueueQuery['sort']) {
  const active = q.sort === sort;
  const dir = active && q.dir === 'asc' ? 'desc' : 'asc';
  return { url: queueUrl(q, { sort, dir }), ariaSort: !active ? 'none' : q.dir === 'asc' ? 'ascending' : 'descending' };
}

/** What a row shows beyond the stored review: time left in working hours, the holder now, the answer-by time. */
function presentRow(row: QueueItem, now: Date, calendar: Parameters<typeof timeLeft>[2], lang: Language, claimIdleMinutes: number) {
  const open = isOpenStatus(row.status);
  const left = open ? timeLeft(now, row.dueAt, calendar) : undefined;
  const holder = currentHolder(row.assigneeId, row.assignedAt, claimIdleMinutes, now.getTime());
  return {
    ...row,
    timeLeft: left ? timeLeftText(left, lang) : null,
    tone: !left ? 'done' : left.overdue ? 'breached' : row.slaState,
    holderName: holder ? row.assigneeName : null,
    lapsedHolder: !holder && row.assigneeId ? row.assigneeName : null,
  };
}

export function queueRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  r.get('/', (_req, res) => res.redirect(303, '/queue'));

  const queueData = async (req: Request, res: Response, q: QueueQuery) => {
    const me = staffOf(res);
    const lang = readerLanguage(req, res);
    const filter = { ...toQueueFilter(q, me.id), claimIdleMinutes: deps.claimIdleMinutes };
    const after = q.cursor ? decodeQueueCursor(q.cursor) : undefined;
    const limit = q.shown && !after ? Math.max(q.shown, QUEUE_PAGE_SIZE) : QUEUE_PAGE_SIZE;
    const [{ items, next }, counts, mine, { calendar }, views] = await Promise.all([
      listQueue(deps.db, { ...filter, after, limit }),
      countBySla(deps.db, filter),
      countBySla(deps.db, { status: 'open', assigneeId: me.id, claimIdleMinutes: deps.claimIdleMinutes }),
      deps.calendar(),
      viewsWithCounts(deps, me.id),
    ]);
    const selfUrl = queueUrl(q);
    const saved = views.map((v) => ({ id: v.id, name: v.name, url: v.url, count: v.count, active: v.url === selfUrl }));
    // A saved view's tab is the current one when it shows exactly these filters; the built-in tabs step back.
    const builtIn = !saved.some((v) => v.active);
    const now = deps.now();
    const total = q.sla ? counts[q.sla] : counts.on_track + counts.at_risk + counts.breached;
    const kinds = Object.values(KINDS).map((k) => ({ kind: k.kind, url: queueUrl(q, { kind: k.kind, cursor: undefined }), active: builtIn && q.kind === k.kind }));
    return {
      title: 'queue.title',
      q,
      rows: items.map((row) => presentRow(row, now, calendar, lang, deps.claimIdleMinutes)),
      total,
      chips: SLA_STATES.map((sla) => ({ sla, count: counts[sla], active: q.sla === sla, url: queueUrl(q, { sla: q.sla === sla ? undefined : sla }) })),
      tabs: {
        all: { url: queueUrl(q, { view: 'all', kind: undefined }), active: builtIn && q.view === 'all' && !q.kind },
        mine: { url: queueUrl(q, { view: 'mine', kind: undefined }), active: builtIn && q.view === 'mine', count: mine.on_track + mine.at_risk + mine.breached },
        kinds,
        saved,
      },
      savedView: saved.find((v) => v.id === req.query.saved)?.name,
      form: { name: '', from: selfUrl },
      errors: {},
      nameMax: VIEW_NAME_MAX,
      sortHeads: { deadline: sortHead(q, 'deadline'), submitted: sortHead(q, 'submitted'), tenant: sortHead(q, 'tenant') },
      // "Next" found nothing more in this view.
      viewDone: req.query.empty === '1',
      nextUrl: next ? queueUrl(q, { cursor: encodeQueueCursor(next) }) : null,
      liveUrl: queueUrl(q),
      appending: !!after,
      selfUrl,
      statuses: ['open', 'all', ...REVIEW_STATUSES],
      kindNames: Object.keys(KINDS) as ReviewKind[],
      tenants: await listTenantNames(deps.db),
      deciders: await listDeciders(deps.db),
      formerDeciders: await listDeciders(deps.db, false),
      // Without a script the choice is made for the kinds on show; the script narrows it to the selection.
      bulkReasons: await bulkReasonChoices(deps.db, q.kind ? [q.kind] : [...new Set(items.map((i) => i.kind as ReviewKind))]),
      canBulk: me.role !== 'auditor',
    };
  };

  r.get('/queue', requireRole(...ALL_STAFF), async (req, res) => {
    const q = queueQuery.parse(req.query);
    const data = await queueData(req, res, q);
    // Htmx asks for the results only (filters, chips, live refresh) or, with a cursor, the next rows.
    const partial = data.appending ? 'queue-rows' : 'queue-results';
    const live = (req.get('hx-source') ?? '').includes('queue-live');
    // The filter form and the chips push the page's URL: the clean one, not every empty field.
    if (isHtmx(req) && !data.appending && !live) res.set('HX-Push-Url', data.selfUrl);
    // A new view also brings the tabs (which one is current, the save form's filters) and the order
    // fields up to date; the live refresh leaves them, so a half-typed view name is not wiped.
    renderPage(req, res, csrf, 'queue', partial, { ...data, refreshTabs: isHtmx(req) && !live });
  });
  return r;
}
