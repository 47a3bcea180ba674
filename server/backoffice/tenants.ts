import type { AuditAction } from '../../domain/audit-actions.js';
import { Router, type Request, type Response } from 'express';
import { appendAudit } from '../../db/audit.js';
import { listContacts } from '../../db/contacts.js';
import { findTenant, listTenantsWithCounts } from '../../db/tenants-admin.js';
import { MAX_CONTACTS_PER_TENANT, NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { addContact, changeContact, removeContact } from '../use-cases/contacts.js';
import { changeService } from '../use-cases/services.js';
import { listServices } from '../../db/services.js';
import { listTenantApps } from '../../db/apps.js';
import { issueApiKey, listApiKeys, revokeApiKey } from '../../db/tenants.js';
import { listTenantEnterprises } from '../../db/subjects/enterprise-qualification.js';
import { listTenantReviews } from '../../db/reviews.js';
import { changeAppQuota } from '../use-cases/apps.js';
import { shownAppStatus } from '../../domain/gates.js';
import { isServiceAction, SERVICE_ACTIONS, type ServiceAction } from '../../domain/service-actions.js';
import { translate, translateWith } from '../i18n/index.js';
import type { Csrf } from './csrf.js';
import { readerLanguage, renderPage } from './render.js';
import { requireRole, staffOf } from './session.js';
import { clip } from '../input-guard.js';
import { UUID } from '../../domain/ids.js';


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
    const [rows, services, apps, keys, enterprises, reviews] = await Promise.all([
      listContacts(deps.db, tenant.id),
      listServices(deps.db, tenant.id),
      listTenantApps(deps.db, tenant.id),
      listApiKeys(deps.db, tenant.id),
      listTenantEnterprises(deps.db, tenant.id),
      listTenantReviews(deps.db, { tenantId: tenant.id, limit: 50 }),
    ]);
    const role = staffOf(res).role;
    renderPage(req, res, csrf, 'tenant', null, {
      title: 'tenants.title',
      tenant,
      services: services.map((s) => ({ ...s, actions: (Object.keys(SERVICE_ACTIONS) as ServiceAction[]).filter((a) => (SERVICE_ACTIONS[a].from as readonly string[]).includes(s.state)) })),
      canChangeServices: role === 'supervisor' || role === 'admin',
      contacts: rows,
      subscriptionNames: NOTICE_SUBSCRIPTIONS,
      canEdit: staffOf(res).role === 'admin',
      full: rows.length >= MAX_CONTACTS_PER_TENANT,
      // An app of a frozen business type shows as frozen (its own status comes back on resuming).
      apps: apps.map((a) => ({ ...a, status: shownAppStatus(a.status, services.find((sv) => sv.businessType === a.businessType)?.state ?? 'none') })),
      keys,
      enterprises,
      reviews,
      ...extra,
    }, status);
  };

  r.get('/tenants/:id', readers, async (req: Request<{ id: string }>, res) => page(req, res));

  /** Runs a contact change and answers with the page: the change, or the refusal naming the field. */
  const change = (run: (tenant: NonNullable<Awaited<ReturnType<typeof findTenant>>>, req: Request<{ id: string; contactId?: string }>) => Promise<AuditAction>) =>
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
  /** Freeze, resume or cancel a business type: a reason is required; the page says what happened. */
  r.post('/tenants/:id/services/:type/:action', requireRole('supervisor', 'admin'), csrf.protect, async (req: Request<{ id: string; type: string; action: string }>, res) => {
    if (!UUID.test(req.params.id) || !isServiceAction(req.params.action)) throw notFound('page');
    const tenant = await findTenant(deps.db, req.params.id);
    if (!tenant) throw notFound('tenant');
    const staff = staffOf(res);
    const lang = readerLanguage(req, res);
    try {
      const done = await changeService(deps, { id: staff.id, name: staff.name, role: staff.role }, tenant.id, req.params.type, req.params.action, req.body, { ip: req.ip ?? null, lang });
      await page(req, res, { message: { kind: 'ok', text: translateWith(lang, `service.done.${req.params.action}`, { told: String(done.told) }) } });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      const text = err.details.length > 0 ? err.details.map((d) => `${d.path}: ${d.message}`).join('; ') : err.message;
      await page(req, res, { message: { kind: 'error', text }, serviceForm: { type: req.params.type, action: req.params.action, reason: (req.body as { reason?: string }).reason ?? '' } }, err.status);
    }
  });
  /** An admin sets the tenant's app quota; the page says what changed, or why not. */
  r.post('/tenants/:id/app-quota', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id)) throw notFound('tenant');
    const staff = staffOf(res);
    const lang = readerLanguage(req, res);
    try {
      const done = await changeAppQuota(deps, { id: staff.id, name: staff.name, role: staff.role }, req.params.id, (req.body as { appQuota?: unknown }).appQuota, { lang, ip: req.ip ?? null });
      await page(req, res, { message: { kind: 'ok', text: translateWith(lang, 'apps.quotaChanged', { from: String(done.from), to: String(done.to) }) } });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      await page(req, res, { message: { kind: 'error', text: err.message } }, err.status);
    }
  });
  /** An admin issues a key: it is shown on this answer only, then kept as a hash. */
  r.post('/tenants/:id/api-keys', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const tenant = UUID.test(req.params.id) ? await findTenant(deps.db, req.params.id) : undefined;
    if (!tenant) throw notFound('tenant');
    const staff = staffOf(res);
    const label = clip(String((req.body as { label?: unknown }).label ?? '').trim(), 64);
    const issued = await issueApiKey(deps.db, tenant.id, label);
    await appendAudit(deps.db, { actorType: 'staff', actorId: staff.id, actorLabel: staff.name, action: 'api_key.issue', objectType: 'tenant', objectId: tenant.id, ip: req.ip ?? null, details: { keyId: issued.id, label } });
    await page(req, res, { newKey: issued.key });
  });

  r.post('/tenants/:id/api-keys/:keyId/revoke', admin, csrf.protect, async (req: Request<{ id: string; keyId: string }>, res) => {
    const tenant = UUID.test(req.params.id) ? await findTenant(deps.db, req.params.id) : undefined;
    if (!tenant || !UUID.test(req.params.keyId)) throw notFound('API key');
    const staff = staffOf(res);
    const lang = readerLanguage(req, res);
    if (!(await revokeApiKey(deps.db, tenant.id, req.params.keyId))) throw notFound('API key');
    await appendAudit(deps.db, { actorType: 'staff', actorId: staff.id, actorLabel: staff.name, action: 'api_key.revoke', objectType: 'tenant', objectId: tenant.id, ip: req.ip ?? null, details: { keyId: req.params.keyId } });
    await page(req as unknown as Request<{ id: string }>, res, { message: { kind: 'ok', text: translate(lang, 'apiKeys.revoked') } });
  });
  return r;
}
