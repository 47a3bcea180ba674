import { Router, type NextFunction, type Request, type Response } from 'express';
import { findStaffById, listDeciders, listStaff } from '../../db/staff.js';
import { listHeldReviews } from '../../db/reviews.js';
import { ROLES } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { changeOwnPassword, changeStaff, inviteStaff, PASSWORD_MIN, resetStaffPassword, setStaffActive } from '../use-cases/staff-admin.js';
import type { Csrf } from './csrf.js';
import { renderPage, readerLanguage } from './render.js';
import { actorOf, fieldErrors } from './rules.js';
import { ALL_STAFF, requireRole, SESSION_COOKIE, staffOf } from './session.js';
import { clip } from '../input-guard.js';
import { UUID } from '../../domain/ids.js';
import { redirectWith } from './flash.js';

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
      // The first password travels in the sealed flash only, kept nowhere but as a hash: a reload shows the member's page without it.
      redirectWith(res, `/admin/staff/${member.id}`, { kind: 'ok', key: 'flash.staffInvited', params: { name: member.name, email: member.email }, secret: { id: 'initial-password', label: 'staff.firstPasswordIs', value: password } });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      await list(req, res, { form, errors: fieldErrors(err) }, err.status);
    }
  });

  const memberPage = async (req: Request<{ id: string }>, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const row = UUID.test(req.params.id) ? await findStaffById(deps.db, req.params.id) : undefined;
    if (!row) throw notFound('staff member');
    const { passwordHash: _, ...member } = row;
    const [held, deciders] = await Promise.all([listHeldReviews(deps.db, member.id), listDeciders(deps.db)]);
    renderPage(req, res, csrf, 'staff-member', null, {
      title: 'staff.title',
      member,
      form: member,
      choices,
      errors: {},
      self: member.id === staffOf(res).id,
      held: held.length,
      heirs: deciders.filter((d) => d.id !== member.id),
      ...extra,
    }, status);
  };

  r.get('/admin/staff/:id', admin, async (req: Request<{ id: string }>, res) => memberPage(req, res));

  /** A refusal of the member form, shown on the member's page (the form's own address): beside the field, or at the top for a conflict. */
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
    redirectWith(res, `/admin/staff/${req.params.id}`, { kind: 'ok', key: 'staff.saved' });
  });

  /**
   * Deactivating asks first (a confirmation box, no script needed) and says what became of the
   * member's claimed work; a refusal comes back on the member's page with its status.
   */
  r.post('/admin/staff/:id/active', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const body = req.body as Body;
    const active = body.active === '1';
    if (!active && body.confirm !== '1') {
      await memberPage(req, res, { message: { kind: 'error', text: 'flash.confirmFirst' } }, 422);
      return;
    }
    try {
      const handTo = typeof body.handTo === 'string' && body.handTo !== '' ? body.handTo : undefined;
      const done = await setStaffActive(deps, actorOf(res), req.params.id, active, { ip: req.ip ?? null, handTo, lang: readerLanguage(req, res) });
      const params = { moved: String(done.moved), held: String(done.stillHeld), to: done.handedTo ?? '' };
      const key = active ? 'flash.staffActivated' : done.stillHeld > 0 ? 'flash.staffDeactivatedSomeHeld' : done.handedTo ? 'flash.staffDeactivatedHanded' : 'flash.staffDeactivated';
      redirectWith(res, `/admin/staff/${req.params.id}`, { kind: done.stillHeld > 0 ? 'info' : 'ok', key, params });
    } catch (err) {
      await refused(req, res, err);
    }
  });
  // The forms' own addresses, opened or reloaded after a refusal, are the member's page.
  for (const form of ['active', 'password']) {
    r.get(`/admin/staff/:id/${form}`, admin, (req: Request<{ id: string }>, res) => {
      if (!UUID.test(req.params.id)) throw notFound('staff member');
      res.redirect(303, `/admin/staff/${req.params.id}`);
    });
  }

  r.post('/admin/staff/:id/password', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const { member, password } = await resetStaffPassword(deps, actorOf(res), req.params.id, { ip: req.ip ?? null });
    redirectWith(res, `/admin/staff/${member.id}`, { kind: 'ok', key: 'flash.staffPasswordReset', params: { name: member.name, email: member.email }, secret: { id: 'initial-password', label: 'staff.firstPasswordIs', value: password } });
  });

  r.use('/admin/staff', admin, (_req, _res) => {
    throw new HttpError(404, 'not_found', 'no such staff page');
  });

  const passwordPage = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    renderPage(req, res, csrf, 'account-password', null, { title: 'account.title', min: PASSWORD_MIN, errors: {}, mustChange: staffOf(res).mustChangePassword, ...extra }, status);

  r.get('/account/password', requireRole(...ALL_STAFF), (req, res) => passwordPage(req, res));

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
    redirectWith(res, '/account/password', { kind: 'ok', key: 'account.saved' });
  });

  return r;
}
