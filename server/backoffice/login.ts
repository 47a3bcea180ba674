import * as argon2 from '@node-rs/argon2';
import { Router, type Request } from 'express';
import { appendAudit } from '../../db/audit.js';
import { accountKey, addressKey, clearFailures, refundAttempt, reserveAttempt } from '../../db/auth-throttle.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, retryAfterSeconds } from '../../domain/auth-throttle.js';
import { createSession, deleteSession, findStaffByEmail, SESSION_HOURS } from '../../db/staff.js';
import type { AppDeps } from '../deps.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { SESSION_COOKIE } from './session.js';
import { clip } from '../input-guard.js';

// A hash to verify against when the email is unknown, so both paths take the same time.
const DUMMY_HASH = argon2.hash('not-a-real-password-0000');

const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/queue');
const clientIp = (req: Request) => req.ip ?? null;
const scopeOf = (key: string) => (key.startsWith('login-account:') ? 'account' : 'address');

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
    const ip = clientIp(req);
    const now = deps.now();
    const keys = { account: accountKey(email), address: addressKey('login', ip) };
    const refuseLocked = (until: Date) => {
      res.set('Retry-After', String(retryAfterSeconds(until, now)));
      renderPage(req, res, csrf, 'login', null, { next: safeNext(body.next), email, lockedUntil: until }, 429);
    };

    // A locked account or address is refused before the password is looked at, so guessing stops there.
    // The attempt is counted in the same step as that look, for both keys: guesses sent at once
    // cannot all pass it. Unknown e-mails are counted like known ones: a lock must not tell whether
    // the account exists.
    const reserved = await Promise.all([reserveAttempt(deps.db, keys.account, ACCOUNT_POLICY, now), reserveAttempt(deps.db, keys.address, ADDRESS_POLICY, now)]);
    const refused = reserved.filter((r) => !r.allowed);
    if (refused.length > 0) {
      await Promise.all(reserved.map((r) => refundAttempt(deps.db, r)));
      const lock = refused.reduce((a, b) => (a.lockedUntil >= b.lockedUntil ? a : b));
      await appendAudit(deps.db, { actorType: 'staff', actorId: null, actorLabel: email, action: 'staff.login_refused', objectType: 'staff', objectId: null, ip, details: { reason: 'locked', scope: scopeOf(lock.key), lockedUntil: lock.lockedUntil.toISOString() } });
      refuseLocked(lock.lockedUntil);
      return;
    }

    const member = email ? await findStaffByEmail(deps.db, email) : undefined;
    const ok = member?.active ? await argon2.verify(member.passwordHash, password) : (await argon2.verify(await DUMMY_HASH, password), false);
    if (!member || !ok) {
      await appendAudit(deps.db, { actorType: 'staff', actorId: member?.id ?? null, actorLabel: email, action: 'staff.login_failed', objectType: 'staff', objectId: member?.id ?? null, ip });
      let lockedUntil: Date | null = null;
      for (const c of reserved) {
        if (!c.allowed || !c.lockedNow) continue;
        lockedUntil = c.state.lockedUntil;
        await appendAudit(deps.db, { actorType: 'staff', actorId: member?.id ?? null, actorLabel: email, action: 'staff.login_locked', objectType: 'staff', objectId: member?.id ?? null, ip, details: { scope: scopeOf(c.key), lockedUntil: c.state.lockedUntil?.toISOString() ?? null, lockouts: c.state.lockouts } });
      }
      if (lockedUntil) refuseLocked(lockedUntil);
      else renderPage(req, res, csrf, 'login', null, { next: safeNext(body.next), email, failed: true }, 401);
      return;
    }
    // Right: the address gets this attempt's count back (a success does not reset a guesser's count).
    await refundAttempt(deps.db, reserved[1]!);
    await clearFailures(deps.db, keys.account);
    // A new session id at every login; whatever session or pre-session cookie came with the request ends here.
    const previous = (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE];
    if (previous) await deleteSession(deps.db, previous);
    csrf.forgetIdentifier(res);
    const token = await createSession(deps.db, member.id, { ip, userAgent: req.get('user-agent') ?? null });
    await appendAudit(deps.db, { actorType: 'staff', actorId: member.id, actorLabel: member.name, action: 'staff.login', objectType: 'staff', objectId: member.id, ip });
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
