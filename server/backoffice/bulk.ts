import { Router, type Request } from 'express';
import { bulkItems, bulkProgress, findBulkJob } from '../../db/bulk.js';
import { isRefusal } from '../../domain/refusals.js';
import { KINDS } from '../../domain/kinds/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { refusalText } from '../../i18n/refusal-text.js';
import { startBulkDecision } from '../use-cases/bulk-decide.js';
import type { Csrf } from './csrf.js';
import { renderPage, readerLanguage } from './render.js';
import { ALL_STAFF, DECIDERS, requireRole, staffOf } from './session.js';
import { UUID } from '../../domain/ids.js';


/** Bulk decisions: started from the queue, followed on their own page until every item has an answer. */
export function bulkRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();

  r.post('/queue/bulk', requireRole(...DECIDERS), csrf.protect, async (req, res) => {
    const staff = staffOf(res);
    const lang = readerLanguage(req, res);
    try {
      const job = await startBulkDecision(deps, { id: staff.id, name: staff.name, role: staff.role }, req.body, lang);
      res.redirect(303, `/bulk/${job.id}`);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      const back = typeof (req.body as { filter?: unknown }).filter === 'string' && /^\/queue(\?\S*)?$/.test((req.body as { filter: string }).filter) ? (req.body as { filter: string }).filter : '/queue';
      renderPage(req, res, csrf, 'bulk-refused', null, { title: 'bulk.title', message: err.message, details: err.details, back }, 422);
    }
  });

  // The form's own address, opened or reloaded after a refusal, is the queue.
  r.get('/queue/bulk', requireRole(...ALL_STAFF), (_req, res) => res.redirect(303, '/queue'));

  r.get('/bulk/:id', requireRole(...ALL_STAFF), async (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id)) throw notFound('bulk decision');
    const job = await findBulkJob(deps.db, req.params.id);
    if (!job) throw notFound('bulk decision');
    const lang = readerLanguage(req, res);
    const onlyProblems = req.query.problems === '1';
    const [progress, items] = await Promise.all([bulkProgress(deps.db, job.id), bulkItems(deps.db, job.id, onlyProblems)]);
    const done = progress.applied + progress.refused + progress.failed;
    renderPage(req, res, csrf, 'bulk', 'bulk-progress', {
      title: 'bulk.title',
      job,
      reason: job.reasonCode ? (Object.values(KINDS).flatMap((k) => k.rejectionReasons).find((x) => x.code === job.reasonCode)?.text[lang] ?? job.reasonCode) : null,
      progress,
      done,
      percent: job.total ? Math.round((done / job.total) * 100) : 100,
      finished: job.finishedAt !== null || progress.pending === 0,
      onlyProblems,
      items: items.map((i) => ({ ...i, why: isRefusal(i.item.refusal) ? refusalText(i.item.refusal, lang) : null })),
    });
  });
  return r;
}
