import { Router, type Request } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { instantCursor, readInstantCursor } from '../../db/cursor.js';
import { findNotice, listNoticeAttempts, listNotices, requeueNotice } from '../../db/outbox.js';
import { listTenantNames } from '../../db/tenants-admin.js';
import { translate } from '../../i18n/index.js';
import { noticeEventChoices } from '../../i18n/notice-label.js';
import type { AppDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { isHtmx, readerLanguage, renderPage } from './render.js';
import { NOTICE_READERS, requireRole, staffOf } from './session.js';
import { UUID } from '../../domain/ids.js';

const STATES = ['queued', 'sending', 'sent', 'delivered', 'failed'] as const;

const filters = z.object({
  state: z.enum(STATES).optional().catch(undefined),
  channel: z.enum(['email', 'sms']).optional().catch(undefined),
  event: z.string().regex(/^[a-z_.]{1,64}$/).optional().catch(undefined),
  tenant: z.string().regex(UUID).optional().catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
});

const PAGE = 50;

/** The outbox: every notice, its content and attempts; failed ones can be sent again. */
export function outboxRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const readers = requireRole(...NOTICE_READERS);

  r.get('/outbox', readers, async (req, res) => {
    const f = filters.parse(req.query);
    const at = f.before ? readInstantCursor(f.before) : undefined;
    const before = at ? { createdAt: at.at, id: at.id } : undefined;
    const rows = await listNotices(deps.db, { state: f.state, channel: f.channel, event: f.event, tenantId: f.tenant, before, limit: PAGE });
    const last = rows[rows.length - 1];
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ state: f.state, channel: f.channel, event: f.event, tenant: f.tenant })) if (v) params.set(k, v);
    if (rows.length === PAGE && last) params.set('before', instantCursor(last.createdAt, last.id));
    const lang = readerLanguage(req, res);
    renderPage(req, res, csrf, 'outbox', before ? 'outbox-rows' : 'outbox-table', {
      title: 'outbox.title',
      filters: f,
      states: STATES,
      events: noticeEventChoices(lang),
      tenants: await listTenantNames(deps.db),
      rows,
      nextUrl: rows.length === PAGE ? `/outbox?${params.toString()}` : null,
      appending: !!before,
    });
  });

  const noticePage = async (req: Request<{ id: string }>, message?: { kind: 'ok' | 'error'; text: string }) => {
    if (!UUID.test(req.params.id)) throw notFound('notice');
    const notice = await findNotice(deps.db, req.params.id);
    if (!notice) throw notFound('notice');
    return { title: 'outbox.notice', notice, message, attempts: await listNoticeAttempts(deps.db, notice.id) };
  };

  r.get('/outbox/:id', readers, async (req: Request<{ id: string }>, res) => {
    renderPage(req, res, csrf, 'notice', null, await noticePage(req));
  });

  r.post('/outbox/:id/resend', requireRole('supervisor', 'admin'), csrf.protect, async (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id)) throw notFound('notice');
    const row = await requeueNotice(deps.db, req.params.id);
    if (!row) {
      const existing = await findNotice(deps.db, req.params.id);
      if (!existing) throw notFound('notice');
      const lang = readerLanguage(req, res);
      throw conflict(translate(lang, 'outbox.onlyFailed'));
    }
    const staff = staffOf(res);
    await appendAudit(deps.db, {
      actorType: 'staff',
      actorId: staff.id,
      actorLabel: staff.name,
      action: 'notice.resend',
      objectType: 'notice',
      objectId: row.id,
      ip: req.ip ?? null,
      details: { sendRound: row.sendRound, channel: row.channel, event: row.event },
    });
    if (!isHtmx(req)) {
      redirectWith(res, `/outbox/${row.id}`, { kind: 'ok', key: 'outbox.requeued' });
      return;
    }
    renderPage(req, res, csrf, 'notice', null, await noticePage(req, { kind: 'ok', text: 'outbox.requeued' }));
  });

  return r;
}
