import { Router, type Request, type Response } from 'express';
import { countBySla } from '../../db/queue.js';
import { findQueueView, listQueueViews, type QueueViewRow } from '../../db/queue-views.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { clip } from '../input-guard.js';
import { deleteView, saveView, VIEW_NAME_MAX } from '../use-cases/queue-views.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { queueUrl, toQueueFilter, viewFrom, type QueueQuery } from './queue-filters.js';
import { renderPage, readerLanguage } from './render.js';
import { fieldErrors } from './rules.js';
import { ALL_STAFF, requireRole, staffOf } from './session.js';

/** How many reviews a view shows now: its deadline-state chip's count when it has one, else all of them. */
export async function countInView(deps: AppDeps, q: QueueQuery, staffId: string): Promise<number> {
  const filter = { ...toQueueFilter(q, staffId), claimIdleMinutes: deps.claimIdleMinutes };
  const counts = await countBySla(deps.db, filter);
  return q.sla ? counts[q.sla] : counts.on_track + counts.at_risk + counts.breached;
}

/** A person's views with what each shows now, for the queue's tabs and the views page. */
export async function viewsWithCounts(deps: AppDeps, staffId: string): Promise<(QueueViewRow & { count: number })[]> {
  const views = await listQueueViews(deps.db, staffId);
  return Promise.all(views.map(async (v) => ({ ...v, count: await countInView(deps, viewFrom(v.url), staffId) })));
}

/** Named queue views: each person keeps filters and order under names of their own. */
export function queueViewsRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const everyone = requireRole(...ALL_STAFF);

  const page = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const me = staffOf(res);
    // The link to share is the whole address, as the reader reached this server.
    const origin = `${req.protocol}://${req.get('host') ?? ''}`;
    const views = (await viewsWithCounts(deps, me.id)).map((v) => ({ ...v, shareUrl: `${origin}${v.url}` }));
    renderPage(req, res, csrf, 'queue-views', null, {
      title: 'views.title',
      views,
      form: { name: '', from: queueUrl(viewFrom(req.query.from)) },
      // Saving is offered for the queue the reader came from; reached otherwise, there is nothing to save.
      canSave: typeof req.query.from === 'string',
      errors: {},
      nameMax: VIEW_NAME_MAX,
      ...extra,
    }, status);
  };

  r.get('/queue/views', everyone, async (req, res) => page(req, res));

  r.post('/queue/views', everyone, csrf.protect, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form = { name: typeof body.name === 'string' ? clip(body.name, VIEW_NAME_MAX * 2) : '', from: queueUrl(viewFrom(body.from)) };
    try {
      const view = await saveView(deps, staffOf(res).id, body, readerLanguage(req, res));
      res.redirect(303, `${view.url}${view.url.includes('?') ? '&' : '?'}saved=${view.id}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      await page(req, res, { form, canSave: true, errors: fieldErrors(err) }, err.status);
    }
  });

  const ownView = async (req: Request<{ id: string }>, res: Response) => {
    const view = await findQueueView(deps.db, staffOf(res).id, req.params.id);
    if (!view) throw notFound('queue view');
    return view;
  };

  // Deleting asks first on a page of its own, so it asks without JavaScript too.
  r.get('/queue/views/:id/delete', everyone, async (req: Request<{ id: string }>, res) => {
    renderPage(req, res, csrf, 'queue-view-delete', null, { title: 'views.title', view: await ownView(req, res) });
  });

  r.post('/queue/views/:id/delete', everyone, csrf.protect, async (req: Request<{ id: string }>, res) => {
    await deleteView(deps, staffOf(res).id, req.params.id);
    redirectWith(res, '/queue/views', { kind: 'ok', key: 'views.deleted' });
  });
  return r;
}
