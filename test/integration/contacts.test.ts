import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const eleventh = await app.api(tenant, 'POST', '/contacts', contact(11));
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

  it("when a tenant touches another tenant's contact, then 404", async () => {
    const owner = await app.addTenant();
    const stranger = await app.addTenant();
    const created = await app.api(owner, 'POST', '/contacts', contact(1));
    expect((await app.api(stranger, 'PUT', `/contacts/${created.body.id}`, contact(2))).status).toBe(404);
    expect((await app.api(stranger, 'DELETE', `/contacts/${created.body.id}`)).status).toBe(404);
    expect((await app.api(stranger, 'GET', '/contacts')).body.items).toEqual([]);
  });
});
