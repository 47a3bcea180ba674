import type { AuditAction } from '../../domain/audit-actions.js';
import { Router, type Request, type Response } from 'express';
import { appendAudit } from '../../db/audit.js';
import { listContacts } from '../../db/contacts.js';
import { findTenant, searchTenants } from '../../db/tenants-admin.js';
import { instantCursor, readInstantCursor } from '../../db/cursor.js';
import { MAX_CONTACTS_PER_TENANT, NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { addContact, changeContact, removeContact } from '../use-cases/contacts.js';
import { changeService } from '../use-cases/services.js';
import { listServices } from '../../db/services.js';
import { listTenantApps } from '../../db/apps.js';
import { listApiKeys } from '../../db/tenants.js';
import { issueTenantKey, revokeTenantKey } from '../use-cases/api-keys.js';
import { listTenantEnterprises } from '../../db/subjects/enterprise-qualification.js';
import { listTenantReviews } from '../../db/reviews.js';
import { changeAppQuota } from '../use-cases/apps.js';
import { registerTenant } from '../use-cases/register-tenant.js';
import { shownAppStatus } from '../../domain/gates.js';
import { isServiceAction, SERVICE_ACTIONS, type ServiceAction } from '../../domain/service-actions.js';
import type { Csrf } from './csrf.js';
import { readerLanguage, renderPage } from './render.js';
import { formValues, keptForm, redirectWith } from './flash.js';
import { actorOf, fieldErrors } from './rules.js';
import { requireRole, staffOf } from './session.js';
import { clip } from '../input-guard.js';
import { UUID } from '../../domain/ids.js';


/** Tenants on a page of the list, and reviews on a page of a tenant's. */
const TENANTS_PAGE = 25;
const REVIEWS_PAGE = 20;

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
  const body = (req: Request) => req.body as Record<string, unknown>;
  const contactValues = (req: Request) => formValues(body(req), ['name', 'mobile', 'email', 'language'], ['subscriptions']);

  /** The list, searched and a page at a time; the same GET serves the page, its links and htmx's swap of the results. */
  r.get('/tenants', readers, async (req, res) => {
    const q = clip(typeof req.query.q === 'string' ? req.query.q.trim() : '', 100);
    const pageNo = Math.min(Math.max(Number.parseInt(String(req.query.page ?? '1'), 10) || 1, 1), 100_000);
    const found = await searchTenants(deps.db, { q: q || undefined, offset: (pageNo - 1) * TENANTS_PAGE, limit: TENANTS_PAGE });
    const pages = Math.max(Math.ceil(found.total / TENANTS_PAGE), 1);
    const at = (n: number) => `/tenants?${new URLSearchParams({ ...(q ? { q } : {}), ...(n > 1 ? { page: String(n) } : {}) }).toString()}`.replace(/\?$/, '');
    renderPage(req, res, csrf, 'tenants', 'tenant-results', {
      title: 'tenants.title',
      q,
      tenants: found.rows,
      total: found.total,
      pageNo: Math.min(pageNo, pages),
      pages,
      paged: pages > 1,
      prevUrl: pageNo > 1 ? at(Math.min(pageNo - 1, pages)) : null,
      nextUrl: pageNo < pages ? at(pageNo + 1) : null,
      canRegister: staffOf(res).role === 'admin',
    });
  });

  /** The registration form, empty or as it was typed with each refusal beside its field. */
  const registrationForm = (req: Request, res: Response, kept: { values: Record<string, unknown>; errors: Record<string, string> }, status = 200) =>
    renderPage(req, res, csrf, 'tenant-new', null, { title: 'tenants.new', form: kept.values, errors: kept.errors, subscriptionNames: NOTICE_SUBSCRIPTIONS }, status);

  r.get('/tenants/new', admin, (req, res) => registrationForm(req, res, { values: { language: 'zh-CN', subscriptions: [] }, errors: {} }));

  /** The first key travels to the tenant's page in the sealed flash only, as when a key is issued there. */
  r.post('/tenants', admin, csrf.protect, async (req, res) => {
    const values = formValues(body(req), ['tenantName', 'name', 'mobile', 'email', 'language'], ['subscriptions']);
    try {
      const done = await registerTenant(deps, actorOf(res), { tenantName: values.tenantName, contact: contactFromForm(body(req)) }, { ip: req.ip ?? null, lang: readerLanguage(req, res) });
      redirectWith(res, `/tenants/${done.tenantId}#api-keys`, { kind: 'ok', key: 'flash.tenantRegistered', params: { name: done.name }, secret: { id: 'new-api-key', label: 'apiKeys.shownOnce', value: done.key } });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      registrationForm(req, res, { values, errors: fieldErrors(err, (p) => p.split('.')[0] ?? p) }, err.status);
    }
  });

  const page = async (req: Request<{ id: string }>, res: Response) => {
    if (!UUID.test(req.params.id)) throw notFound('tenant');
    const tenant = await findTenant(deps.db, req.params.id);
    if (!tenant) throw notFound('tenant');
    // A page of reviews further down names where it starts; htmx asks for the same page and takes the reviews alone.
    const reviewsAfter = typeof req.query.reviews === 'string' ? readInstantCursor(req.query.reviews) : undefined;
    const [rows, services, apps, keys, enterprises, reviews] = await Promise.all([
      listContacts(deps.db, tenant.id),
      listServices(deps.db, tenant.id),
      listTenantApps(deps.db, tenant.id),
      listApiKeys(deps.db, tenant.id),
      listTenantEnterprises(deps.db, tenant.id),
      listTenantReviews(deps.db, { tenantId: tenant.id, after: reviewsAfter && { submittedAt: reviewsAfter.at, id: reviewsAfter.id }, limit: REVIEWS_PAGE + 1 }),
    ]);
    const last = reviews[REVIEWS_PAGE - 1];
    const olderUrl = reviews.length > REVIEWS_PAGE && last ? `/tenants/${tenant.id}?reviews=${instantCursor(last.submittedAt, last.id)}#tenant-reviews` : null;
    const role = staffOf(res).role;
    const quota = keptForm(res, 'app-quota');
    renderPage(req, res, csrf, 'tenant', typeof req.query.reviews === 'string' ? 'tenant-reviews' : null, {
      title: 'tenants.title',
      tenant,
      services: services.map((s) => ({
        ...s,
        actions: (Object.keys(SERVICE_ACTIONS) as ServiceAction[])
          .filter((a) => (SERVICE_ACTIONS[a].from as readonly string[]).includes(s.state))
          .map((action) => ({ action, kept: keptForm(res, `service-${s.businessType}-${action}`) })),
      })),
      canChangeServices: role === 'supervisor' || role === 'admin',
      // A refused contact form comes back as it was typed, its refusals beside the fields.
      contacts: rows.map((c) => {
        const kept = keptForm(res, `contact-${c.id}`);
        return { ...c, form: kept?.values ?? c, errors: kept?.errors ?? {} };
      }),
      newContact: keptForm(res, 'contact-new') ?? { values: { language: 'zh-CN', subscriptions: [] }, errors: {} },
      subscriptionNames: NOTICE_SUBSCRIPTIONS,
      canEdit: role === 'admin',
      full: rows.length >= MAX_CONTACTS_PER_TENANT,
      // An app of a frozen business type shows as frozen (its own status comes back on resuming).
      apps: apps.map((a) => ({ ...a, status: shownAppStatus(a.status, services.find((sv) => sv.businessType === a.businessType)?.state ?? 'none') })),
      appQuota: quota ? { value: quota.values.appQuota, error: quota.errors.appQuota } : { value: String(tenant.appQuota) },
      keys,
      enterprises,
      reviews: reviews.slice(0, REVIEWS_PAGE),
      reviewsOlderUrl: olderUrl,
      reviewsNewestUrl: reviewsAfter ? `/tenants/${tenant.id}?reviews=#tenant-reviews` : null,
    });
  };

  r.get('/tenants/:id', readers, async (req: Request<{ id: string }>, res) => page(req, res));

  const tenantOf = async (id: string) => {
    const tenant = UUID.test(id) ? await findTenant(deps.db, id) : undefined;
    if (!tenant) throw notFound('tenant');
    return tenant;
  };
  const confirmed = (req: Request) => body(req).confirm === '1';
  /** A refusal the tenant's page shows: the form as it was typed, the refusals beside its fields. */
  const refusedOn = (res: Response, tenantId: string, err: unknown, form: { id: string; values: Record<string, string | string[]> }, key?: string) => {
    if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
    // A list's refusal names its item (subscriptions.2); the page marks the list.
    const errors = fieldErrors(err, (p) => p.split('.')[0] ?? p);
    redirectWith(res, `/tenants/${tenantId}#${form.id}`, {
      kind: 'error',
      key: key ?? (Object.keys(errors).length > 0 ? 'flash.notSaved' : 'flash.refused'),
      params: { text: err.message },
      form: { ...form, errors },
    });
  };
  const audit = (req: Request, res: Response, tenantId: string, action: AuditAction) => {
    const staff = staffOf(res);
    return appendAudit(deps.db, { actorType: 'staff', actorId: staff.id, actorLabel: staff.name, action, objectType: 'tenant', objectId: tenantId, ip: req.ip ?? null });
  };

  r.post('/tenants/:id/contacts', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const tenant = await tenantOf(req.params.id);
    try {
      const added = await addContact(deps, tenant, contactFromForm(body(req)), readerLanguage(req, res));
      await audit(req, res, tenant.id, 'contact.create');
      redirectWith(res, `/tenants/${tenant.id}#contact-${added.id}`, { kind: 'ok', key: 'flash.contactAdded', params: { name: added.name } });
    } catch (err) {
      refusedOn(res, tenant.id, err, { id: 'contact-new', values: contactValues(req) }, err instanceof HttpError && err.status === 409 ? 'flash.contactsFull' : undefined);
    }
  });
  r.post('/tenants/:id/contacts/:contactId', admin, csrf.protect, async (req: Request<{ id: string; contactId: string }>, res) => {
    const tenant = await tenantOf(req.params.id);
    if (!UUID.test(req.params.contactId)) throw notFound('contact');
    try {
      const changed = await changeContact(deps, tenant, req.params.contactId, contactFromForm(body(req)), readerLanguage(req, res));
      await audit(req, res, tenant.id, 'contact.update');
      redirectWith(res, `/tenants/${tenant.id}#contact-${changed.id}`, { kind: 'ok', key: 'flash.contactSaved', params: { name: changed.name } });
    } catch (err) {
      refusedOn(res, tenant.id, err, { id: `contact-${req.params.contactId}`, values: contactValues(req) });
    }
  });
  r.post('/tenants/:id/contacts/:contactId/delete', admin, csrf.protect, async (req: Request<{ id: string; contactId: string }>, res) => {
    const tenant = await tenantOf(req.params.id);
    if (!UUID.test(req.params.contactId)) throw notFound('contact');
    if (!confirmed(req)) {
      redirectWith(res, `/tenants/${tenant.id}#contact-${req.params.contactId}`, { kind: 'error', key: 'flash.confirmFirst' });
      return;
    }
    await removeContact(deps, tenant, req.params.contactId);
    await audit(req, res, tenant.id, 'contact.delete');
    redirectWith(res, `/tenants/${tenant.id}#contacts`, { kind: 'ok', key: 'flash.contactRemoved' });
  });
  /** Freeze, resume or cancel a business type: a reason is required; the page says what happened. */
  r.post('/tenants/:id/services/:type/:action', requireRole('supervisor', 'admin'), csrf.protect, async (req: Request<{ id: string; type: string; action: string }>, res) => {
    if (!UUID.test(req.params.id) || !isServiceAction(req.params.action)) throw notFound('page');
    const tenant = await tenantOf(req.params.id);
    const action = req.params.action;
    const form = { id: `service-${req.params.type}-${action}`, values: formValues(body(req), ['reason']) };
    // Freezing and cancelling stop a tenant's traffic: the form's confirmation box must be ticked.
    if (action !== 'resume' && !confirmed(req)) {
      redirectWith(res, `/tenants/${tenant.id}#${form.id}`, { kind: 'error', key: 'flash.confirmFirst', form: { ...form, errors: {} } });
      return;
    }
    try {
      const done = await changeService(deps, actorOf(res), tenant.id, req.params.type, action, req.body, { ip: req.ip ?? null, lang: readerLanguage(req, res) });
      redirectWith(res, `/tenants/${tenant.id}`, { kind: 'ok', key: `service.done.${action}`, params: { told: String(done.told) } });
    } catch (err) {
      refusedOn(res, tenant.id, err, form);
    }
  });
  /** An admin sets the tenant's app quota; the page says what changed, or why not. */
  r.post('/tenants/:id/app-quota', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const tenant = await tenantOf(req.params.id);
    try {
      const done = await changeAppQuota(deps, actorOf(res), tenant.id, body(req).appQuota, { lang: readerLanguage(req, res), ip: req.ip ?? null });
      redirectWith(res, `/tenants/${tenant.id}`, { kind: 'ok', key: 'apps.quotaChanged', params: { from: String(done.from), to: String(done.to) } });
    } catch (err) {
      refusedOn(res, tenant.id, err, { id: 'app-quota', values: formValues(body(req), ['appQuota']) });
    }
  });
  /** The new key travels to the page in the sealed flash only: a reload shows the page without it and issues nothing. */
  r.post('/tenants/:id/api-keys', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const tenant = await tenantOf(req.params.id);
    const label = clip(String(body(req).label ?? '').trim(), 64);
    const issued = await issueTenantKey(deps, actorOf(res), tenant.id, label, { ip: req.ip ?? null });
    redirectWith(res, `/tenants/${tenant.id}#api-keys`, { kind: 'ok', key: 'flash.apiKeyIssued', secret: { id: 'new-api-key', label: 'apiKeys.shownOnce', value: issued.key } });
  });

  r.post('/tenants/:id/api-keys/:keyId/revoke', admin, csrf.protect, async (req: Request<{ id: string; keyId: string }>, res) => {
    const tenant = await tenantOf(req.params.id);
    if (!UUID.test(req.params.keyId)) throw notFound('API key');
    if (!confirmed(req)) {
      redirectWith(res, `/tenants/${tenant.id}#api-keys`, { kind: 'error', key: 'flash.confirmFirst' });
      return;
    }
    await revokeTenantKey(deps, actorOf(res), tenant.id, req.params.keyId, { ip: req.ip ?? null });
    redirectWith(res, `/tenants/${tenant.id}#api-keys`, { kind: 'ok', key: 'flash.apiKeyRevoked' });
  });
  return r;
}
