import * as argon2 from '@node-rs/argon2';
import { Router, type Request } from 'express';
import { appendAudit } from '../../db/audit.js';
import { createSession, deleteSession, findStaffByEmail, SESSION_HOURS } from '../../db/staff.js';
import type { AppDeps } from '../deps.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { SESSION_COOKIE } from './session.js';

// A hash to verify against when the email is unknown, so both paths take the same time.
const DUMMY_HASH = argon2.hash('not-a-real-password-0000');

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
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const member = email ? await findStaffByEmail(deps.db, email) : undefined;
    const ok = member?.active ? await argon2.verify(member.passwordHash, password) : (await argon2.verify(await DUMMY_HASH, password), false);
    if (!member || !ok) {
      await appendAudit(deps.db, { actorType: 'staff', actorId: member?.id ?? null, actorLabel: email, action: 'staff.login_failed', objectType: 'staff', objectId: member?.id ?? null, ip: clientIp(req) });
      renderPage(req, res, csrf, 'login', null, { next: safeNext(body.next), email, failed: true }, 401);
      return;
    }
    const token = await createSession(deps.db, member.id, { ip: clientIp(req), userAgent: req.get('user-agent') ?? null });
    await appendAudit(deps.db, { actorType: 'staff', actorId: member.id, actorLabel: member.name, action: 'staff.login', objectType: 'staff', objectId: member.id, ip: clientIp(req) });
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', maxAge: SESSION_HOURS * 3600_000 });
    res.redirect(303, safeNext(body.next));
  });

  r.post('/logout', csrf.protect, async (req, res) => {
    const token = (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE];
    if (token) await deleteSession(deps.db, token);
    const staff = res.locals.staff;
    if (staff) await appendAudit(deps.db, { actorType: 'staff', actorId: staff.id, actorLabel: staff.name, action: 'staff.logout', objectType: 'staff', objectId: staff.id, ip: clientIp(req) });
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
