import { Router, type Request } from 'express';
import { z } from 'zod';
import { findBatch, listBatchNumbers, reasonText, outcomeText } from '../../db/subjects/number-unsubscribe.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { translate } from '../../i18n/index.js';
import { ReviewServiceUnavailable } from '../../temporal/review-client.js';
import { IssueFormRefused, issueNumbers } from '../use-cases/issue-numbers.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { isHtmx, renderPage, readerLanguage } from './render.js';
import { reviewPageData } from './review-page.js';
import { ALL_STAFF, DECIDERS, requireRole, staffOf } from './session.js';
import { UUID } from '../../domain/ids.js';
import { numberUnsubscribeKind } from '../../domain/kinds/number-unsubscribe.js';

const BATCH_ID = new RegExp(`^${numberUnsubscribeKind.subjectPrefix}[0-9A-Z]{16}$`);
const PAGE = 200;

const resultsQuery = z.object({
  outcome: z.enum(['all', 'failed', 'released', 'pending']).catch('all'),
  after: z.coerce.number().int().min(0).max(1_000_000).catch(0),
});

/** Issuing an order's numbers, and an unsubscribe batch's per-number results. */
export function numbersRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();

  /**
   * The issue form posts here (with or without JavaScript). Refused: the review page again with
   * what was typed and each problem named by city and line; issued: back to the review page.
   */
  r.post('/reviews/:id/numbers', requireRole(...DECIDERS), csrf.protect, async (req: Request<{ id: string }>, res) => {
    const id = req.params.id;
    if (!UUID.test(id)) throw notFound('review');
    const lang = readerLanguage(req, res);
    const actor = { id: staffOf(res).id, name: staffOf(res).name, role: staffOf(res).role };
    try {
      await issueNumbers(deps, actor, id, req.body, lang);
    } catch (err) {
      const unavailable = err instanceof ReviewServiceUnavailable;
      if (!unavailable && (!(err instanceof HttpError) || err.status >= 500 || err.status === 404)) throw err;
      const form = err instanceof IssueFormRefused ? err.form : { values: Object.fromEntries(Object.entries(req.body as Record<string, string>).filter(([k]) => k.startsWith('numbers_')).map(([k, v]) => [k.slice(8), v])), problems: [] };
      const text = unavailable ? translate(lang, 'review.serviceUnavailable') : err.message;
      const data = await reviewPageData(deps, req, res, id, { kind: 'error', text }, undefined, form);
      renderPage(req, res, csrf, 'review', null, data, err.status);
      return;
    }
    if (!isHtmx(req)) {
      redirectWith(res, `/reviews/${id}`, { kind: 'ok', key: 'numbers.issued' });
      return;
    }
    renderPage(req, res, csrf, 'review', null, await reviewPageData(deps, req, res, id, { kind: 'ok', text: translate(lang, 'numbers.issued') }));
  });

  // The issue form's own address, opened or reloaded after a refusal, is the review's page.
  r.get('/reviews/:id/numbers', requireRole(...ALL_STAFF), (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id)) throw notFound('review');
    res.redirect(303, `/reviews/${req.params.id}`);
  });

  /** Every number of a batch with its outcome and reason, filtered by outcome, a page at a time. */
  r.get('/number-batches/:id', requireRole(...ALL_STAFF), async (req: Request<{ id: string }>, res) => {
    if (!BATCH_ID.test(req.params.id)) throw notFound('batch');
    const batch = await findBatch(deps.db, req.params.id);
    if (!batch) throw notFound('batch');
    const q = resultsQuery.parse(req.query);
    const lang = readerLanguage(req, res);
    const rows = await listBatchNumbers(deps.db, batch.id, q.outcome, q.after, PAGE + 1);
    const page = rows.slice(0, PAGE);
    const last = page[page.length - 1];
    renderPage(req, res, csrf, 'number-batch', null, {
      title: 'batch.resultsTitle',
      batch,
      outcome: q.outcome,
      filters: ['all', 'failed', 'released', 'pending'].map((o) => ({ value: o, current: o === q.outcome })),
      rows: page.map((row) => ({ ...row, reasonText: reasonText(row, lang), outcomeText: outcomeText(row, lang) })),
      next: rows.length > PAGE && last ? `/number-batches/${batch.id}?outcome=${q.outcome}&after=${last.position}` : null,
    });
  });
  return r;
}
