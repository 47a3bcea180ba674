import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { findTenantReview, listTenantReviews } from '../../db/reviews.js';
import { REVIEW_STATUSES } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import type { AppDeps } from '../deps.js';
import { asHttpError, databaseUnavailable, HttpError, keyedError, notFound, say, storageFull, validationFailed } from '../errors.js';
import { StorageFull } from '../../files/store.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { remindReview } from '../use-cases/remind-review.js';
import { addContact, changeContact, contactView, removeContact } from '../use-cases/contacts.js';
import { listContacts } from '../../db/contacts.js';
import { listServices } from '../../db/services.js';
import { validIdempotencyKey } from '../use-cases/idempotency.js';
import { requireTenant, tenantOf } from './auth.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import { subjectRefusalError } from './subject-refusal.js';
import { jsonBody } from './body.js';
import { kindRoutes, subjectAnswer } from './kind-routes.js';
import { appRoutes } from './apps.js';
import { audioFileRoutes } from './audio-files.js';
import { declarationRoutes } from './declarations.js';
import { enterpriseFileRoutes } from './enterprise-files.js';
import { apiLanguage } from './language.js';
import { openApiDocument } from './openapi.js';
import { numbersApi, unsubscribeTemplateRoutes } from './numbers.js';
import { methodGuard } from './methods.js';
import { REVIEWS_CURSOR_PATTERN, UUID } from './ids.js';
import { queryInteger } from './query.js';

const listQuery = z.object({
  kind: z.enum(REVIEW_KINDS).optional(),
  status: z.enum(REVIEW_STATUSES).optional(),
  cursor: z.string().optional(),
  limit: queryInteger(1, 100).default(50),
});
const REVIEWS_CURSOR = new RegExp(REVIEWS_CURSOR_PATTERN);

/** The tenant API: JSON in (multipart for files), JSON out, one tenant per key. */
export function apiRouter(deps: AppDeps): Router {
  const r = Router();
  r.use(methodGuard(openApiDocument.paths, { '/openapi.json': ['GET'] }));
  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  r.use(requireTenant(deps));
  r.use(unsubscribeTemplateRoutes());
  r.use(kindRoutes(deps));
  r.use(audioFileRoutes(deps));
  r.use(enterpriseFileRoutes(deps));
  r.use(declarationRoutes(deps));
  r.use(numbersApi(deps));
  r.use(jsonBody);
  r.use(appRoutes(deps));

  const view = (row: Parameters<typeof subjectAnswer>[1], lang: 'zh-CN' | 'en' = 'en') => subjectAnswer(deps, row, lang);

  r.get('/reviews/:id', async (req, res) => {
    if (!UUID.test(req.params.id)) throw notFound('review');
    const row = await findTenantReview(deps.db, tenantOf(res).id, req.params.id);
    if (!row) throw notFound('review');
    res.json(await view(row, apiLanguage(req)));
  });

  r.post('/reviews/:id/reminders', async (req, res) => {
    if (!UUID.test(req.params.id)) throw notFound('review');
    const lang = apiLanguage(req);
    const row = await remindReview(deps, tenantOf(res), req.params.id, validIdempotencyKey(req.get('idempotency-key')), lang);
    res.status(202).json(await view(row, lang));
  });

  r.get('/services', async (_req, res) => {
    const services = await listServices(deps.db, tenantOf(res).id);
    res.json({
      items: services.map((s) => ({ businessType: s.businessType, state: s.state, applicationId: s.activationId, reviewId: s.reviewId, reason: s.reason, updatedAt: s.updatedAt?.toISOString() ?? null })),
    });
  });

  r.get('/contacts', async (_req, res) => {
    res.json({ items: (await listContacts(deps.db, tenantOf(res).id)).map(contactView) });
  });

  r.post('/contacts', async (req, res) => {
    const row = await addContact(deps, tenantOf(res), req.body);
    res.status(201).location(`/api/v1/contacts/${row.id}`).json(contactView(row));
  });

  r.put('/contacts/:id', async (req, res) => {
    if (!UUID.test(req.params.id)) throw notFound('contact');
    res.json(contactView(await changeContact(deps, tenantOf(res), req.params.id, req.body)));
  });

  r.delete('/contacts/:id', async (req, res) => {
    if (!UUID.test(req.params.id)) throw notFound('contact');
    await removeContact(deps, tenantOf(res), req.params.id);
    res.status(204).end();
  });

  r.get('/reviews', async (req, res) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) throw validationFailed(q.error, apiLanguage(req));
    const after = q.data.cursor !== undefined ? decodeListCursor(q.data.cursor) : undefined;
    const rows = await listTenantReviews(deps.db, { tenantId: tenantOf(res).id, kind: q.data.kind, status: q.data.status, after, limit: q.data.limit });
    const last = rows[rows.length - 1];
    res.json({
      items: await Promise.all(rows.map((row) => view(row, apiLanguage(req)))),
      nextCursor: rows.length === q.data.limit && last ? `${last.submittedAt.getTime()}_${last.id}` : null,
    });
  });

  r.use((req, _res) => {
    throw keyedError(404, 'not_found', say('api.noRoute', { method: req.method, path: `${req.baseUrl}${req.path}` }), [{ path: '(path)', say: say('api.noSuchPath') }]);
  });
  r.use(apiErrorHandler(deps));
  return r;
}

function decodeListCursor(cursor: string): { submittedAt: Date; id: string } {
  if (!REVIEWS_CURSOR.test(cursor)) throw keyedError(400, 'bad_cursor', say('api.badCursor'), [{ path: 'cursor', say: say('api.malformed') }]);
  const [at, id] = cursor.split('_') as [string, string];
  return { submittedAt: new Date(Number(at)), id: id.toLowerCase() };
}

/**
 * Every API error has one JSON shape; a database that is down is a 503 to retry, and unexpected
 * errors are logged and answered as 500 without details.
 */
export function apiErrorHandler(deps: AppDeps): ErrorRequestHandler {
  return (thrown: unknown, req, res, _next) => {
    const err = asHttpError(thrown);
    // Already answered (a body cut off for its pace) or under way (a download): no second answer can
    // follow; one cut short ends its connection rather than leave the client waiting.
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    let http: HttpError;
    if (err instanceof HttpError) http = err;
    else if (err instanceof StorageFull) http = storageFull(err.field);
    else if (err instanceof SubjectRefusal) http = subjectRefusalError(err, apiLanguage(req));
    else if (e?.type === 'entity.parse.failed') http = malformedJson(e.message ?? '');
    else if (e?.type === 'entity.too.large') http = keyedError(413, 'too_large', say('api.tooLarge'), [{ path: '(body)', say: say('api.atMostBytes', { size: '256 kB' }) }]);
    else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      // The parser's own words are English; the caller gets its reason as a code it can look up.
      const reason = e.type ?? String(e.status);
      http = keyedError(e.status, 'bad_request', say('api.badRequest', { reason }), [{ path: '(body)', say: say('api.badRequest', { reason }) }]);
    }
    else if (isDatabaseUnavailable(err)) {
      deps.log.warn({ err, method: req.method, path: req.path }, 'api request failed: the database is unavailable');
      http = databaseUnavailable();
    } else {
      deps.log.error({ err, method: req.method, path: req.path }, 'api request failed');
      http = keyedError(500, 'internal', say('api.internal'));
    }
    // A download refused after it set its own headers (a range outside the file) answers JSON, not a file.
    res.removeHeader('Content-Disposition');
    const { message, details } = http.in(apiLanguage(req));
    res.status(http.status).set(http.headers).type('application/json').set('Content-Language', apiLanguage(req)).json({ error: { code: http.code, message, details } });
  };
}

/** A body that is not JSON: where the parser stopped, if it said. */
function malformedJson(parserMessage: string): HttpError {
  const position = /position (\d+)/.exec(parserMessage)?.[1];
  return keyedError(400, 'malformed_json', position ? say('api.malformedJsonAt', { position }) : say('api.malformedJson'), [{ path: '(body)', say: say('api.unreadable') }]);
}
