import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import { engine } from 'express-handlebars';
import helmet from 'helmet';
import { apiErrorHandler, apiRouter } from './api/router.js';
import { callbackRouter } from './callbacks.js';
import { createCsrf, type Csrf } from './backoffice/csrf.js';
import { helpers } from './backoffice/helpers.js';
import { loginRouter } from './backoffice/login.js';
import { queueRouter } from './backoffice/queue.js';
import { queueViewsRouter } from './backoffice/queue-views.js';
import { readerLanguage, renderPage } from './backoffice/render.js';
import { reviewRouter } from './backoffice/review.js';
import { outboxRouter } from './backoffice/outbox.js';
import { devSinksRouter } from './backoffice/dev-sinks.js';
import { templatesRouter } from './backoffice/templates.js';
import { tenantsRouter } from './backoffice/tenants.js';
import { filesRouter } from './backoffice/files.js';
import { bulkRouter } from './backoffice/bulk.js';
import { rulesRouter } from './backoffice/rules.js';
import { calendarRouter } from './backoffice/calendar.js';
import { requireOwnPassword, staffRouter } from './backoffice/staff.js';
import { insightRouter } from './backoffice/insight.js';
import { numbersRouter } from './backoffice/numbers.js';
import { declarationsRouter } from './backoffice/declarations.js';
import { loadSession, NOTICE_READERS } from './backoffice/session.js';
import { requireSameOrigin } from './backoffice/same-origin.js';
import { requireFormBody } from './backoffice/form-body.js';
import { flashCookies } from './backoffice/flash.js';
import type { AppDeps } from './deps.js';
import { asHttpError, databaseUnavailable, HttpError } from './errors.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { translate, translateWith } from '../i18n/index.js';
import { apiLanguage } from './api/language.js';
import { mayScrape, type WebMetrics } from '../runtime/metrics.js';
import { apiInputError, refuseControlCharacters, type InputProblem } from './input-guard.js';
import { BODY_PACE, bodyDeadline } from './body-deadline.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const htmxFile = require.resolve('htmx.org/dist/htmx.min.js');

export interface WebOptions {
  cookieSecret: string;
  secureCookies: boolean;
  trustProxy: boolean;
  /** PUBLIC_URL: the origin state-changing back-office requests must come from. */
  publicUrl?: string;
  /** Without PUBLIC_URL, the origins they may come from: the server's own listening addresses (known once it listens). */
  listeningOrigins?: () => readonly string[];
  /** Prometheus metrics of this process, served at /metrics to loopback callers or holders of the token. */
  metrics?: WebMetrics;
  metricsToken?: string;
}

export function createApp(deps: AppDeps, opts: WebOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  if (opts.trustProxy) app.set('trust proxy', 1);
  useViews(app);
  useSecurityHeaders(app, opts);
  if (opts.metrics) mountMetrics(app, opts.metrics, opts.metricsToken);
  useRequestGuards(app, deps);
  mountHealth(app, deps);
  mountMachineDoors(app, deps);
  const back = useBackOfficeSession(app, deps, opts);
  mountBackOffice(app, deps, back.csrf, opts);
  useErrorPages(app, deps, back);
  return app;
}

/** Pages are Handlebars views, compiled once per process. */
function useViews(app: Express): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(root, 'views/layouts'),
      partialsDir: path.join(root, 'views/partials'),
      helpers,
      // Partials keep their text as written: an indented {{> partial}} must not indent preformatted content.
      compilerOptions: { preventIndent: true },
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', path.join(root, 'views'));
  // Express caches compiled views only when NODE_ENV=production, which no start script sets: without
  // it every render found, read and compiled each template and partial again, most of a page's CPU.
  // Templates change only with a new build, and every process starts afresh with one.
  app.enable('view cache');
}

function useSecurityHeaders(app: Express, opts: WebOptions): void {
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // htmx injects its indicator style element at load.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          // Only behind https: on plain-http installs it would send forms to a port nobody listens on.
          'upgrade-insecure-requests': opts.secureCookies ? [] : null,
        },
      },
      // Not helmet's no-referrer: under it browsers send `Origin: null` with our own form posts, which the
      // same-origin check must refuse. same-origin still tells other sites nothing.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
}

function mountMetrics(app: Express, metrics: WebMetrics, token: string | undefined): void {
  app.use(metrics.middleware);
  app.get('/metrics', async (req, res) => {
    if (!mayScrape(req, token)) {
      res.status(403).type('text/plain').send('metrics are served to loopback callers or with the bearer token\n');
      return;
    }
    res.set('Cache-Control', 'no-store').type(metrics.registry.contentType).send(await metrics.render());
  });
}

function useRequestGuards(app: Express, deps: AppDeps): void {
  app.use(bodyDeadline(BODY_PACE, answerTooSlow));
  // A response stream that fails (written after its client went away) fails that request only.
  app.use((req, res, next) => {
    res.on('error', (err) => deps.log.warn({ err, method: req.method, path: req.path }, 'the answer could not be written'));
    next();
  });
}

// 503 when this process cannot serve (PostgreSQL or Temporal away); a fellow process being
// restarted by the supervisor makes the status "degraded" but this process still serves.
function mountHealth(app: Express, deps: AppDeps): void {
  app.get('/healthz', async (_req, res) => {
    const h = await deps.health();
    const processes = deps.processes?.();
    const allRunning = processes?.every((p) => p.state === 'running') ?? true;
    res.status(h.postgres && h.temporal ? 200 : 503).json({
      status: h.postgres && h.temporal && allRunning ? 'ok' : 'degraded',
      postgres: h.postgres ? 'up' : 'down',
      temporal: h.temporal ? 'up' : 'down',
      ...(processes ? { processes: processes.map((p) => ({ name: p.name, role: p.role, state: p.state, pid: p.pid, restarts: p.restarts, lastExit: p.lastExit, lastExitAt: p.lastExitAt, since: p.since })) } : {}),
    });
  });
}

/** What programs call (the tenant API, the SMS gateway's reports) and the static files: before cookies and sessions. */
function mountMachineDoors(app: Express, deps: AppDeps): void {
  // Path and query are checked here; bodies where the router parses them (JSON or multipart fields).
  app.use('/api/v1', noStore, refuseControlCharacters(refuseApiInput), apiRouter(deps), apiErrorHandler(deps));
  app.use(callbackRouter(deps));
  app.get('/static/htmx.js', (_req, res) => res.sendFile(htmxFile, { maxAge: '1d' }));
  app.use('/static', express.static(path.join(root, 'views/static'), { maxAge: '1h' }));
}

/** Cookies, flash, same-origin, form bodies and the staff session every back-office page reads. */
function useBackOfficeSession(app: Express, deps: AppDeps, opts: WebOptions): { csrf: Csrf; parseCookies: RequestHandler } {
  const csrf = createCsrf(opts.cookieSecret, opts.secureCookies);
  const parseCookies = cookieParser();
  app.use(parseCookies);
  app.use(flashCookies(opts.cookieSecret, opts.secureCookies));
  app.use(requireSameOrigin(opts.publicUrl, opts.listeningOrigins));
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(requireFormBody);
  app.use(loadSession(deps));
  app.use((_req, res, next) => {
    const noticeReader = !!res.locals.staff && NOTICE_READERS.includes(res.locals.staff.role);
    res.locals.noticeReader = noticeReader;
    res.locals.devMailbox = noticeReader && !!deps.notifications?.dev.mailbox;
    res.locals.devSms = noticeReader && !!deps.notifications?.dev.sms;
    next();
  });
  app.use(
    refuseControlCharacters((problems, req, res) =>
      renderPage(req, res, csrf, 'error', 'error-message', { title: 'error.title', status: 400, messageKey: 'input.controlCharacters', problems }, 400),
    ),
  );
  app.use(requireOwnPassword);
  return { csrf, parseCookies };
}

function mountBackOffice(app: Express, deps: AppDeps, csrf: Csrf, opts: WebOptions): void {
  app.use(loginRouter(deps, csrf, opts.secureCookies));
  app.use(queueRouter(deps, csrf));
  app.use(queueViewsRouter(deps, csrf));
  app.use(reviewRouter(deps, csrf));
  app.use(outboxRouter(deps, csrf));
  app.use(devSinksRouter(deps, csrf));
  app.use(templatesRouter(deps, csrf));
  app.use(tenantsRouter(deps, csrf));
  app.use(filesRouter(deps));
  app.use(bulkRouter(deps, csrf));
  app.use(rulesRouter(deps, csrf));
  app.use(calendarRouter(deps, csrf));
  app.use(staffRouter(deps, csrf));
  app.use(insightRouter(deps, csrf));
  app.use(numbersRouter(deps, csrf));
  app.use(declarationsRouter(deps, csrf));
}

/** Unknown pages and every error end in an error page in the reader's language, never Express's own. */
function useErrorPages(app: Express, deps: AppDeps, back: { csrf: Csrf; parseCookies: RequestHandler }): void {
  const { csrf, parseCookies } = back;
  app.use((req, _res) => {
    throw new HttpError(404, 'not_found', `no page at ${req.path}`);
  });
  const pageErrors: ErrorRequestHandler = (thrown: unknown, req, res, _next) => {
    let err = asHttpError(thrown);
    if (!(err instanceof HttpError) && isDatabaseUnavailable(err)) {
      deps.log.warn({ err, method: req.method, path: req.path }, 'page request failed: the database is unavailable');
      err = databaseUnavailable();
    }
    const e = err as { status?: number; code?: string; message?: string };
    let status = 500;
    let message = 'something went wrong on our side';
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (typeof e?.status === 'number' && e.status < 500) {
      status = e.status;
      message = e.message ?? message;
    } else {
      deps.log.error({ err, method: req.method, path: req.path }, 'page request failed');
    }
    if (res.headersSent) return;
    // A file refused after it set its own headers (a range outside it) answers with the page, not as the file.
    res.removeHeader('Content-Disposition');
    res.type('html');
    if (err instanceof HttpError) res.set(err.headers);
    // Errors from routes mounted before the cookie parser (the htmx file) get here too.
    if (req.cookies === undefined) parseCookies(req, res, () => undefined);
    const lang = readerLanguage(req, res);
    // Messages written for the reader (refusals, validation) stay; the others are worded by their kind.
    const key = err instanceof HttpError ? ERROR_KEYS[err.code] : ERROR_KEYS[String(status)];
    renderPage(req, res, csrf, 'error', 'error-message', { title: 'error.title', status, message: key ? translate(lang, key) : message }, status);
  };
  app.use(pageErrors);
  // Whatever the error page itself trips over: a plain answer, never Express's default page with its stack trace.
  const lastResort: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    deps.log.error({ err, method: req.method, path: req.path }, 'error page failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).type('text/plain').send('something went wrong on our side');
  };
  app.use(lastResort);
}


/** Error pages whose wording comes from their code or status rather than from the error's own text. */
const ERROR_KEYS: Record<string, string> = {
  review_service_unavailable: 'review.serviceUnavailable',
  database_unavailable: 'error.databaseUnavailable',
  not_found: 'error.notFound',
  forbidden: 'error.forbidden',
  unauthorized: 'error.unauthorized',
  too_large: 'error.tooLarge',
  unsupported_media_type: 'error.unsupportedMediaType',
  bad_request: 'error.badRequest',
  '400': 'error.badRequest',
  '413': 'error.tooLarge',
  '500': 'error.internal',
  '503': 'error.unavailable',
};

/**
 * Every tenant API answer is one tenant's own (its objects, its files, an app secret shown once,
 * or a refusal about them): no browser or shared proxy may keep a copy.
 */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** A body cut off for its pace: the API's error shape on the API, a page elsewhere. */
function answerTooSlow(req: Request, res: Response): void {
  const seconds = BODY_PACE.graceMs / 1000;
  const rate = BODY_PACE.minBytesPerSecond / 1024;
  if (req.originalUrl.startsWith('/api/v1')) {
    const lang = apiLanguage(req);
    const params = { rate: String(rate), seconds: String(seconds) };
    res
      .status(408)
      .set('Content-Language', lang)
      .json({ error: { code: 'body_too_slow', message: translateWith(lang, 'api.bodyTooSlow', params), details: [{ path: '(body)', message: translateWith(lang, 'api.atLeastRate', params) }] } });
    return;
  }
  const lang = readerLanguage(req, res);
  res.status(408).type('html').send(`<!doctype html><html lang="${lang}"><meta charset="utf-8"><title>408</title><main><p>${translate(lang, 'error.bodyTooSlow')}</p></main></html>`);
}

function refuseApiInput(problems: InputProblem[]): never {
  throw apiInputError(problems);
}
