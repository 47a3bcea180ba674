import { Router } from 'express';
import { z } from 'zod';
import { decodeCursor, encodeCursor, listQueue, QUEUE_SORTS } from '../../db/reviews.js';
import { REVIEW_KINDS, REVIEW_STATUSES } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { ALL_STAFF, requireRole } from './session.js';

const filters = z.object({
  kind: z.enum(REVIEW_KINDS).optional().catch(undefined),
  status: z.enum(REVIEW_STATUSES).optional().catch(undefined),
  sla: z.enum(['on_track', 'at_risk', 'breached']).optional().catch(undefined),
  sort: z.enum(QUEUE_SORTS).optional().catch(undefined),
  cursor: z.string().max(300).optional().catch(undefined),
});

export const QUEUE_PAGE_SIZE = 50;

export function queueRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  r.get('/', (_req, res) => res.redirect(303, '/queue'));

  r.get('/queue', requireRole(...ALL_STAFF), async (req, res) => {
    const f = filters.parse(req.query);
    const after = f.cursor ? decodeCursor(f.cursor) : undefined;
    const { items, next } = await listQueue(deps.db, { kind: f.kind, status: f.status, sla: f.sla, sort: f.sort, after, limit: QUEUE_PAGE_SIZE });
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ kind: f.kind, status: f.status, sla: f.sla, sort: f.sort })) if (v) params.set(k, v);
    if (next) params.set('cursor', encodeCursor(next));
    const data = {
      title: 'queue.title',
      filters: f,
      kinds: REVIEW_KINDS,
      statuses: REVIEW_STATUSES,
      rows: items,
      nextUrl: next ? `/queue?${params.toString()}` : null,
      appending: !!after,
    };
    // "Load more" asks for rows only; the filter form asks for the whole table.
    renderPage(req, res, csrf, 'queue', after ? 'queue-rows' : 'queue-table', data);
  });
  return r;
}
