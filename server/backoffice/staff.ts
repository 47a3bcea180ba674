import { Router, type NextFunction, type Request, type Response } from 'express';
import { findStaffById, listStaff } from '../../db/staff.js';
import { REVIEW_KINDS, ROLES } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { changeOwnPassword, changeStaff, inviteStaff, PASSWORD_MIN, resetStaffPassword, setStaffActive } from '../use-cases/staff-admin.js';
import type { Csrf } from './csrf.js';
import { renderPage, readerLanguage } from './render.js';
import { actorOf, fieldErrors } from './rules.js';
import { ALL_STAFF, requireRole, SESSION_COOKIE, staffOf } from './session.js';
import { clip } from '../input-guard.js';
import { UUID } from '../../domain/ids.js';

type Body = Record<string, unknown>;
const text = (body: Body, name: string, max = 254) => (typeof body[name] === 'string' ? clip(body[name] as string, max) : '');
const kindsOf = (body: Body) => (Array.isArray(body.kinds) ? body.kinds.map(String) : typeof body.kinds === 'string' ? [body.kinds] : []);

/** Until a member with a first password has chosen their own, every page leads to the password form. */
export function requireOwnPassword(req: Request, res: Response, next: NextFunction): void {
  const s = res.locals.staff;
  if (!s?.mustChangePassword || req.path === '/account/password' || req.path === '/logout' || req.path.startsWith('/language/') || req.path.startsWith('/static/')) {
    next();
    return;
  }
  if (req.method === 'GET') {
    res.redirect(303, '/account/password');
    return;
  }
  throw new HttpError(403, 'password_change_required', 'choose your own password first');
}

/** Admins manage staff (invite, roles, the kinds a reviewer handles, deactivate); everyone changes their own password. */
export function staffRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const admin = requireRole('admin');
  const choices = { roles: ROLES, kinds: REVIEW_KINDS };

  const list = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    renderPage(req, res, csrf, 'staff', null, {
      title: 'staff.title',
      members: await listStaff(deps.db),
      choices,
      form: { email: '', name: '', role: 'reviewer', language: 'zh-CN', kinds: [] },
      errors: {},
      ...extra,
    }, status);
  };

  r.get('/admin/staff', admin, async (req, res) => list(req, res));

  r.post('/admin/staff', admin, csrf.protect, async (req, res) => {
    const body = req.body as Body;
    const form = { email: text(body, 'email'), name: text(body, 'name', 64), role: text(body, 'role', 20), language: text(body, 'language', 5), kinds: kindsOf(body) };
    try {
      const { member, password } = await inviteStaff(deps, actorOf(res), form, { ip: req.ip ?? null, lang: readerLanguage(req, res) });
      // Shown in this answer only: the page is no-store and the password is kept nowhere but as a hash.
      renderPage(req, res, csrf, 'staff-password', null, { title: 'staff.title', member, password, invited: true }, 201);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      await list(req, res, { form, errors: fieldErrors(err) }, err.status);
    }
  });

  const memberPage = async (req: Request<{ id: string }>, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const row = UUID.test(req.params.id) ? await findStaffById(deps.db, req.params.id) : undefined;
    if (!row) throw notFound('staff member');
    const { passwordHash: _, ...member } = row;
    renderPage(req, res, csrf, 'staff-member', null, { title: 'staff.title', member, form: member, choices, errors: {}, self: member.id === staffOf(res).id, ...extra }, status);
  };

  r.get('/admin/staff/:id', admin, async (req: Request<{ id: string }>, res) => memberPage(req, res, req.query.saved === '1' ? { message: { kind: 'ok', text: 'staff.saved' } } : {}));

  /** A refusal shown on the member's page: beside the field, or at the top for a conflict. */
  const refused = async (req: Request<{ id: string }>, res: Response, err: unknown, form?: Record<string, unknown>) => {
    if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
    const errors = fieldErrors(err);
    await memberPage(req, res, { ...(form ? { form } : {}), errors, message: err.details.length === 0 ? { kind: 'error', text: err.message } : undefined }, err.status);
  };

  r.post('/admin/staff/:id', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const body = req.body as Body;
    const form = { name: text(body, 'name', 64), role: text(body, 'role', 20), language: text(body, 'language', 5), kinds: kindsOf(body) };
    try {
      await changeStaff(deps, actorOf(res), req.params.id, form, { ip: req.ip ?? null, lang: readerLanguage(req, res) });
    } catch (err) {
      await refused(req, res, err, form);
      return;
    }
    res.redirect(303, `/admin/staff/${req.params.id}?saved=1`);
  });

  r.post('/admin/staff/:id/active', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    try {
      await setStaffActive(deps, actorOf(res), req.params.id, (req.body as Body).active === '1', { ip: req.ip ?? null });
    } catch (err) {
      await refused(req, res, err);
      return;
    }
    res.redirect(303, `/admin/staff/${req.params.id}?saved=1`);
  });

  r.post('/admin/staff/:id/password', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const { member, password } = await resetStaffPassword(deps, actorOf(res), req.params.id, { ip: req.ip ?? null });
    renderPage(req, res, csrf, 'staff-password', null, { title: 'staff.title', member, password, invited: false });
  });

  r.use('/admin/staff', admin, (_req, _res) => {
    throw new HttpError(404, 'not_found', 'no such staff page');
  });

  const passwordPage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    renderPage(req, res, csrf, 'account-password', null, { title: 'account.title', min: PASSWORD_MIN, errors: {}, mustChange: staffOf(res).mustChangePassword, ...extra }, status);

  r.get('/account/password', requireRole(...ALL_STAFF), (req, res) => passwordPage(req, res, req.query.saved === '1' ? { message: { kind: 'ok', text: 'account.saved' } } : {}));

  r.post('/account/password', requireRole(...ALL_STAFF), csrf.protect, async (req, res) => {
    const body = req.body as Body;
    const token = (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE];
    try {
      await changeOwnPassword(deps, staffOf(res), { current: text(body, 'current', 1024), next: text(body, 'next', 1024), confirm: text(body, 'confirm', 1024) }, {
        ip: req.ip ?? null,
        lang: readerLanguage(req, res),
        sessionToken: token,
      });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      // Passwords are never sent back into the form.
      passwordPage(req, res, { errors: fieldErrors(err) }, 422);
      return;
    }
    res.redirect(303, '/account/password?saved=1');
  });

  return r;
}
