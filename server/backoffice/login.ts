import { Router, type Request } from 'express';
import { retryAfterSeconds } from '../../domain/auth-throttle.js';
import { SESSION_HOURS } from '../../db/staff.js';
import { logIn, logOut } from '../use-cases/log-in.js';
import type { AppDeps } from '../deps.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { SESSION_COOKIE } from './session.js';
import { clip } from '../input-guard.js';

const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/queue');
const clientIp = (req: Request) => req.ip ?? null;

export function loginRouter(deps: AppDeps, csrf: Csrf, secureCookies: boolean): Router {
  const r = Router();

  r.get('/login', csrf.ensureIdentifier, (req, res) => {
    if (res.locals.staff) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    renderPage(req, res, csrf, 'login', null, { next: safeNext(req.query.next), email: '' });
  });

  r.post('/login', csrf.ensureIdentifier, csrf.protect, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? clip(body.email.trim(), 254) : '';
    const password = typeof body.password === 'string' ? clip(body.password, 1024) : '';
    const now = deps.now();
    const refuseLocked = (until: Date) => {
      res.set('Retry-After', String(retryAfterSeconds(until, now)));
      renderPage(req, res, csrf, 'login', null, { next: safeNext(body.next), email, lockedUntil: until }, 429);
    };
    const result = await logIn({ db: deps.db, now: () => now }, {
      email,
      password,
      ip: clientIp(req),
      userAgent: req.get('user-agent') ?? null,
      previousSession: (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE],
    });
    if (result.outcome === 'locked') return refuseLocked(result.until);
    if (result.outcome === 'failed') return renderPage(req, res, csrf, 'login', null, { next: safeNext(body.next), email, failed: true }, 401);
    csrf.forgetIdentifier(res);
    res.cookie(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', maxAge: SESSION_HOURS * 3600_000 });
    res.redirect(303, safeNext(body.next));
  });

  r.post('/logout', csrf.protect, async (req, res) => {
    await logOut(deps.db, { token: (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE], staff: res.locals.staff, ip: clientIp(req) });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });

  r.get('/language/:lang', (req, res) => {
    const lang = req.params.lang === 'en' ? 'en' : 'zh-CN';
    res.cookie('vrd_lang', lang, { sameSite: 'lax', path: '/', maxAge: 365 * 86400_000 });
    res.redirect(303, safeNext(req.query.next));
  });

  return r;
}
