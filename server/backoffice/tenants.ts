import { Router, type Request, type Response } from 'express';
import { appendAudit } from '../../db/audit.js';
import { listContacts } from '../../db/contacts.js';
import { findTenant, listTenantsWithCounts } from '../../db/tenants-admin.js';
import { MAX_CONTACTS_PER_TENANT, NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { addContact, changeContact, removeContact } from '../use-cases/contacts.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { requireRole, staffOf } from './session.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Form fields → the contact shape the tenant API takes (checkbox lists arrive as a string or an array). */
function contactFromForm(body: Record<string, unknown>) {
  const subs = body.subscriptions === undefined ? [] : Array.isArray(body.subscriptions) ? body.subscriptions : [body.subscriptions];
  return { name: body.name, mobile: body.mobile, email: body.email, language: body.language, subscriptions: subs };
}

/** Tenants and their contacts, for staff: everyone reads, admins change (audited). */
export function tenantsRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const readers = requireRole('supervisor', 'admin', 'auditor', 'reviewer');
  const admin = requireRole('admin');

  r.get('/tenants', readers, async (req, res) => {
    renderPage(req, res, csrf, 'tenants', null, { title: 'tenants.title', tenants: await listTenantsWithCounts(deps.db) });
  });

  const page = async (req: Request<{ id: string }>, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    if (!UUID.test(req.params.id)) throw notFound('tenant');
    const tenant = await findTenant(deps.db, req.params.id);
    if (!tenant) throw notFound('tenant');
    const rows = await listContacts(deps.db, tenant.id);
    renderPage(req, res, csrf, 'tenant', null, {
      title: 'tenants.title',
      tenant,
      contacts: rows,
      subscriptionNames: NOTICE_SUBSCRIPTIONS,
      canEdit: staffOf(res).role === 'admin',
      full: rows.length >= MAX_CONTACTS_PER_TENANT,
      ...extra,
    }, status);
  };

  r.get('/tenants/:id', readers, async (req: Request<{ id: string }>, res) => page(req, res));

  /** Runs a contact change and answers with the page: the change, or the refusal naming the field. */
  const change = (run: (tenant: NonNullable<Awaited<ReturnType<typeof findTenant>>>, req: Request<{ id: string; contactId?: string }>) => Promise<string>) =>
    async (req: Request<{ id: string; contactId?: string }>, res: Response) => {
      const tenant = UUID.test(req.params.id) ? await findTenant(deps.db, req.params.id) : undefined;
      if (!tenant) throw notFound('tenant');
      try {
        const action = await run(tenant, req);
        const staff = staffOf(res);
        await appendAudit(deps.db, { actorType: 'staff', actorId: staff.id, actorLabel: staff.name, action, objectType: 'tenant', objectId: tenant.id, ip: req.ip ?? null });
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
        const text = err.details.length > 0 ? err.details.map((d) => `${d.path}: ${d.message}`).join('; ') : err.message;
        await page(req as unknown as Request<{ id: string }>, res, { message: { kind: 'error', text } }, err.status);
        return;
      }
      res.redirect(303, `/tenants/${tenant.id}`);
    };

  r.post('/tenants/:id/contacts', admin, csrf.protect, change(async (tenant, req) => {
    await addContact(deps, tenant, contactFromForm(req.body as Record<string, unknown>));
    return 'contact.create';
  }));
  r.post('/tenants/:id/contacts/:contactId', admin, csrf.protect, change(async (tenant, req) => {
    if (!UUID.test(req.params.contactId ?? '')) throw notFound('contact');
    await changeContact(deps, tenant, req.params.contactId!, contactFromForm(req.body as Record<string, unknown>));
    return 'contact.update';
  }));
  r.post('/tenants/:id/contacts/:contactId/delete', admin, csrf.protect, change(async (tenant, req) => {
    if (!UUID.test(req.params.contactId ?? '')) throw notFound('contact');
    await removeContact(deps, tenant, req.params.contactId!);
    return 'contact.delete';
  }));
  return r;
}
