import { Router, type Request, type Response } from 'express';
import { countBySla, decodeQueueCursor, encodeQueueCursor, listQueue, type QueueItem } from '../../db/queue.js';
import { listDeciders } from '../../db/staff.js';
import { listTenantNames } from '../../db/tenants-admin.js';
import { KINDS } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { currentHolder, isOpenStatus, REVIEW_STATUSES, type ReviewKind } from '../../domain/review.js';
import { timeLeft } from '../../domain/time-left.js';
import type { AppDeps } from '../deps.js';
import { timeLeftText } from '../i18n/time-left-text.js';
import type { Csrf } from './csrf.js';
import { queueQuery, queueUrl, toQueueFilter, type QueueQuery } from './queue-filters.js';
import { isHtmx, readerLanguage, renderPage } from './render.js';
import { ALL_STAFF, requireRole, staffOf } from './session.js';

export const QUEUE_PAGE_SIZE = 50;

const SLA_STATES = ['breached', 'at_risk', 'on_track'] as const;

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
    const [{ items, next }, counts, mine, { calendar }] = await Promise.all([
      listQueue(deps.db, { ...filter, after, limit }),
      countBySla(deps.db, filter),
      countBySla(deps.db, { status: 'open', assigneeId: me.id, claimIdleMinutes: deps.claimIdleMinutes }),
      deps.calendar(),
    ]);
    const now = deps.now();
    const total = q.sla ? counts[q.sla] : counts.on_track + counts.at_risk + counts.breached;
    const kinds = Object.values(KINDS).map((k) => ({ kind: k.kind, url: queueUrl(q, { kind: k.kind, cursor: undefined }), active: q.kind === k.kind }));
    return {
      title: 'queue.title',
      q,
      rows: items.map((row) => presentRow(row, now, calendar, lang, deps.claimIdleMinutes)),
      total,
      chips: SLA_STATES.map((sla) => ({ sla, count: counts[sla], active: q.sla === sla, url: queueUrl(q, { sla: q.sla === sla ? undefined : sla }) })),
      tabs: {
        all: { url: queueUrl(q, { view: 'all', kind: undefined }), active: q.view === 'all' && !q.kind },
        mine: { url: queueUrl(q, { view: 'mine', kind: undefined }), active: q.view === 'mine', count: mine.on_track + mine.at_risk + mine.breached },
        kinds,
      },
      nextUrl: next ? queueUrl(q, { cursor: encodeQueueCursor(next) }) : null,
      liveUrl: queueUrl(q),
      appending: !!after,
      selfUrl: queueUrl(q),
      statuses: ['open', 'all', ...REVIEW_STATUSES],
      kindNames: Object.keys(KINDS) as ReviewKind[],
      tenants: await listTenantNames(deps.db),
      deciders: await listDeciders(deps.db),
      formerDeciders: await listDeciders(deps.db, false),
      bulkReasons: q.kind ? KINDS[q.kind].rejectionReasons : KINDS.voice_template.rejectionReasons.filter((x) => x.code === 'other'),
      canBulk: me.role !== 'auditor',
    };
  };

  r.get('/queue', requireRole(...ALL_STAFF), async (req, res) => {
    const q = queueQuery.parse(req.query);
    const data = await queueData(req, res, q);
    // Htmx asks for the results only (filters, chips, live refresh) or, with a cursor, the next rows.
    const partial = data.appending ? 'queue-rows' : 'queue-results';
    // The filter form and the chips push the page's URL: the clean one, not every empty field.
    if (isHtmx(req) && !data.appending && !(req.get('hx-source') ?? '').includes('queue-live')) res.set('HX-Push-Url', data.selfUrl);
    renderPage(req, res, csrf, 'queue', partial, data);
  });
  return r;
}
