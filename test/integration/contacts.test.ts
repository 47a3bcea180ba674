import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, notificationOutbox } from '../../db/schema.js';
import { BackOfficeSession } from '../support/back-office.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

const contact = (i: number, over: Record<string, unknown> = {}) => ({
  name: `联系人${i}`,
  mobile: `1380013${String(i).padStart(4, '0')}`,
  email: `c${i}@example.com`,
  subscriptions: ['voice_template', 'reminder_reply'],
  ...over,
});

describe('tenant contacts', () => {
  it('when a tenant adds ten contacts, then the eleventh is refused with 409, and a removed one frees a place', async () => {
    const tenant = await app.addTenant();
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) {
      const res = await app.api(tenant, 'POST', '/contacts', contact(i));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const eleventh = await app.api(tenant, 'POST', '/contacts', contact(11), { 'accept-language': 'en' });
    expect(eleventh.status).toBe(409);
    expect(eleventh.body.error.message).toMatch(/at most 10/);
    expect((await app.api(tenant, 'DELETE', `/contacts/${ids[0]}`)).status).toBe(204);
    expect((await app.api(tenant, 'POST', '/contacts', contact(11))).status).toBe(201);
    const list = await app.api(tenant, 'GET', '/contacts');
    expect(list.body.items).toHaveLength(10);
  });

  it('when twelve contacts are added at once, then exactly ten are accepted', async () => {
    const tenant = await app.addTenant();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => app.api(tenant, 'POST', '/contacts', contact(i + 1))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
  });

  it('when fields are invalid, then 422 names them; a bare mainland mobile gets +86', async () => {
    const tenant = await app.addTenant();
    const bad = await app.api(tenant, 'POST', '/contacts', { name: '', mobile: '12345', email: 'not-mail', subscriptions: ['weather'] });
    expect(bad.status).toBe(422);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'mobile', 'email', 'subscriptions.0']));
    const ok = await app.api(tenant, 'POST', '/contacts', contact(1, { mobile: '138 0013 8000' }));
    expect(ok.status).toBe(201);
    expect(ok.body.mobile).toBe('+8613800138000');
    const changed = await app.api(tenant, 'PUT', `/contacts/${ok.body.id}`, contact(1, { language: 'en', subscriptions: [] }));
    expect(changed.body).toMatchObject({ language: 'en', subscriptions: [] });
  });

  it('when a contact that was sent a notice is deleted, then 204, and the notice keeps its recipient without the contact', async () => {
    const tenant = await app.addTenant();
    const created = await app.api(tenant, 'POST', '/contacts', contact(1));
    expect(created.status).toBe(201);
    const [notice] = await app.database.db
      .insert(notificationOutbox)
      .values({
        event: 'voice_template.approved',
        channel: 'email',
        recipient: created.body.email,
        tenantId: tenant.tenant.id,
        contactId: created.body.id,
        language: 'zh-CN',
        subject: '审核通过',
        body: '您的语音模板已通过审核',
        state: 'sent',
        dedupeKey: `contact-history-${created.body.id}`,
      })
      .returning();
    const removed = await app.api(tenant, 'DELETE', `/contacts/${created.body.id}`);
    expect(removed.status).toBe(204);
    expect((await app.api(tenant, 'GET', '/contacts')).body.items).toEqual([]);
    const [kept] = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.id, notice!.id));
    expect(kept).toMatchObject({ recipient: 'c1@example.com', contactId: null, state: 'sent', body: '您的语音模板已通过审核' });
  });

  it("when a tenant touches another tenant's contact, then 404", async () => {
    const owner = await app.addTenant();
    const stranger = await app.addTenant();
    const created = await app.api(owner, 'POST', '/contacts', contact(1));
    expect((await app.api(stranger, 'PUT', `/contacts/${created.body.id}`, contact(2))).status).toBe(404);
    expect((await app.api(stranger, 'DELETE', `/contacts/${created.body.id}`)).status).toBe(404);
    expect((await app.api(stranger, 'GET', '/contacts')).body.items).toEqual([]);
  });
});

describe('contacts in the back office', () => {
  it('when an admin adds, changes and removes a contact on the tenant page, then bad fields are named, changes are audited, and reviewers only read', async () => {
    const tenant = await app.addTenant();
    const member = await app.addStaff('admin');
    const admin = new BackOfficeSession(app.url);
    await admin.login(member.email, member.password);
    await admin.get(`/tenants/${tenant.tenant.id}`);
    const bad = await admin.post(`/tenants/${tenant.tenant.id}/contacts`, { name: '王五', mobile: '123', email: 'w@example.com', language: 'zh-CN' });
    expect(bad.status).toBe(303);
    expect((await admin.get(bad.headers.get('location')!)).html).toMatch(/data-field="mobile">[^<]*手机号/);
    const body = new URLSearchParams({ _csrf: admin.csrf, name: '王五', mobile: '13900139000', email: 'w@example.com', language: 'en' });
    body.append('subscriptions', 'voice_template');
    body.append('subscriptions', 'reminder_reply');
    const added = await admin.postRaw(`/tenants/${tenant.tenant.id}/contacts`, body);
    expect(added.status).toBe(303);
    const list = await app.api(tenant, 'GET', '/contacts');
    expect(list.body.items).toEqual([expect.objectContaining({ name: '王五', mobile: '+8613900139000', language: 'en', subscriptions: ['voice_template', 'reminder_reply'] })]);
    const id = list.body.items[0].id;
    await admin.get(`/tenants/${tenant.tenant.id}`);
    expect((await admin.post(`/tenants/${tenant.tenant.id}/contacts/${id}/delete`, { confirm: '1' })).status).toBe(303);
    expect((await app.api(tenant, 'GET', '/contacts')).body.items).toEqual([]);
    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.objectId, tenant.tenant.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['contact.create', 'contact.delete']);

    const rm = await app.addStaff('reviewer');
    const reviewer = new BackOfficeSession(app.url);
    await reviewer.login(rm.email, rm.password);
    const page = await reviewer.get(`/tenants/${tenant.tenant.id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('id="add-contact"');
    expect((await reviewer.post(`/tenants/${tenant.tenant.id}/contacts`, { name: 'x', mobile: '13900139001', email: 'x@example.com' })).status).toBe(403);
  });
});
