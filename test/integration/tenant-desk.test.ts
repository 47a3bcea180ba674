import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog, tenants } from '../../db/schema.js';
import { BackOfficeSession, signedIn } from '../support/back-office.js';
import { addContact, startTestApp, submitTemplate, type TestApp } from '../support/test-app.js';

/** The tenant list searched and paged, a tenant's reviews a page at a time, and registering a tenant. */

let app: TestApp;
let reviewer: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp();
  ({ session: reviewer } = await signedIn(app, 'reviewer'));
});
afterAll(() => app?.stop());

/** A link's address as the browser reads it from the escaped attribute. */
const hrefOf = (html: string, rel: string) => new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(html)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

const listed = (html: string) => [...html.matchAll(/<tr><td><a href="\/tenants\/([0-9a-f-]{36})">([^<]*)<\/a>/g)].map((m) => m[2]);

describe('the tenant list', () => {
  it('when staff search by part of a name, a tenant id or a contact’s e-mail, then only the tenants that match are listed', async () => {
    const tag = randomBytes(3).toString('hex');
    const north = await app.addTenant(`北方物流-${tag}`);
    const south = await app.addTenant(`South Freight ${tag}`);
    await app.addTenant(`Other ${tag}_x`);
    await addContact(app, south.tenant.id, { name: 'Ops', email: `ops-${tag}@south.example`, mobile: '+8613800138000', subscriptions: [] });

    expect(listed((await reviewer.get(`/tenants?q=${encodeURIComponent(`北方物流-${tag}`)}`)).html)).toEqual([`北方物流-${tag}`]);
    expect(listed((await reviewer.get(`/tenants?q=${encodeURIComponent(`freight ${tag}`)}`)).html)).toEqual([`South Freight ${tag}`]);
    expect(listed((await reviewer.get(`/tenants?q=${north.tenant.id.slice(0, 13)}`)).html)).toEqual([`北方物流-${tag}`]);
    expect(listed((await reviewer.get(`/tenants?q=${north.tenant.id.toUpperCase()}`)).html)).toEqual([`北方物流-${tag}`]);
    expect(listed((await reviewer.get(`/tenants?q=ops-${tag}%40south`)).html)).toEqual([`South Freight ${tag}`]);
    // A typed underscore is an underscore, not any one character.
    expect(listed((await reviewer.get(`/tenants?q=${tag}_`)).html)).toEqual([`Other ${tag}_x`]);
    const none = await reviewer.get(`/tenants?q=nothing-${tag}`);
    expect(listed(none.html)).toEqual([]);
    expect(none.html).toContain('没有匹配的租户');
  });

  it('when more tenants match than a page holds, then pages of 25 follow each other by links that work without a script, and htmx gets the same list alone', async () => {
    const tag = `pg${randomBytes(3).toString('hex')}`;
    const names = Array.from({ length: 27 }, (_, i) => `${tag}-${String(i + 1).padStart(2, '0')}`);
    for (const n of names) await app.addTenant(n);

    const first = await reviewer.get(`/tenants?q=${tag}`);
    expect(listed(first.html)).toEqual(names.slice(0, 25));
    expect(first.html).toContain('第 1 页，共 2 页');
    const next = hrefOf(first.html, 'next');
    expect(next).toBe(`/tenants?q=${tag}&page=2`);
    expect(first.html).not.toContain('rel="prev"');

    const second = await reviewer.get(next!);
    expect(listed(second.html)).toEqual(names.slice(25));
    expect(second.html).toContain('rel="prev"');
    expect(second.html).not.toContain('rel="next"');

    const fragment = await reviewer.get(next!, { 'HX-Request': 'true' });
    expect(fragment.status).toBe(200);
    expect(fragment.html).not.toContain('<html');
    expect(fragment.html.trimStart().startsWith('<section id="tenant-results"')).toBe(true);
    expect(listed(fragment.html)).toEqual(names.slice(25));

    // A page past the end shows the last one; a page that is not a number shows the first.
    expect(listed((await reviewer.get(`/tenants?q=${tag}&page=99`)).html)).toEqual([]);
    expect(listed((await reviewer.get(`/tenants?q=${tag}&page=abc`)).html)).toEqual(names.slice(0, 25));
  });

  it('when the reader reads English, then the count and the pages are worded in English', async () => {
    const tag = `en${randomBytes(3).toString('hex')}`;
    await app.addTenant(`${tag}-a`);
    reviewer.setCookie('vrd_lang', 'en');
    try {
      const page = await reviewer.get(`/tenants?q=${tag}`);
      expect(page.html).toContain(`Tenants matching “${tag}”: 1`);
      expect(page.html).toContain('Find a tenant');
    } finally {
      reviewer.setCookie('vrd_lang', 'zh-CN');
    }
  });
});

describe("a tenant's reviews", () => {
  it('when a tenant has more reviews than a page holds, then its page lists the newest 20 and a link leads to the older ones', async () => {
    const t = await app.addTenant();
    const ids: string[] = [];
    for (let i = 1; i <= 22; i++) ids.push(await submitTemplate(app, t, `分页模板${i}`));
    const newestFirst = [...ids].reverse();
    const reviewLinks = (html: string) => {
      const section = html.slice(html.indexOf('<section id="tenant-reviews">'));
      return [...section.slice(0, section.indexOf('</section>')).matchAll(/href="\/reviews\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    };

    const page = await reviewer.get(`/tenants/${t.tenant.id}`);
    expect(reviewLinks(page.html)).toEqual(newestFirst.slice(0, 20));
    const older = hrefOf(page.html, 'next');
    expect(older).toMatch(new RegExp(`^/tenants/${t.tenant.id}\\?reviews=[A-Za-z0-9_-]+#tenant-reviews$`));

    const second = await reviewer.get(older!.replace(/#.*/, ''));
    expect(reviewLinks(second.html)).toEqual(newestFirst.slice(20));
    expect(second.html).toContain('<h1>');
    expect(second.html).toContain('rel="first"');
    expect(second.html).not.toContain('rel="next"');

    const fragment = await reviewer.get(older!.replace(/#.*/, ''), { 'HX-Request': 'true' });
    expect(fragment.html).not.toContain('<h1>');
    expect(reviewLinks(fragment.html)).toEqual(newestFirst.slice(20));

    // A cursor this page did not write starts at the newest.
    expect(reviewLinks((await reviewer.get(`/tenants/${t.tenant.id}?reviews=bm9uc2Vuc2U`)).html)).toEqual(newestFirst.slice(0, 20));
  });
});

describe('registering a tenant', () => {
  const registration = (over: Record<string, string> = {}) =>
    new URLSearchParams({ tenantName: `登记租户-${randomBytes(3).toString('hex')}`, name: '王五', mobile: '13800138123', email: 'wang@example.com', language: 'en', subscriptions: 'voice_template', ...over });

  it('when an admin registers a tenant, then the tenant, its first contact and its first key exist, one audit row says so, and the key is shown once and works', async () => {
    const { session: admin } = await signedIn(app, 'admin');
    const form = await admin.get('/tenants/new');
    expect(form.status).toBe(200);
    const body = registration();
    body.append('subscriptions', 'reminder_reply');
    body.set('_csrf', admin.csrf);
    const posted = await admin.postRaw('/tenants', body);
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    const tenantId = /^\/tenants\/([0-9a-f-]{36})#api-keys$/.exec(location)?.[1];
    expect(tenantId).toBeDefined();

    const landed = await admin.get(location);
    expect(landed.html).toContain(`已登记租户 ${body.get('tenantName')}`);
    const key = /<code id="new-api-key" lang="zxx">([^<]+)<\/code>/.exec(landed.html)?.[1];
    expect(key).toMatch(/^vrd_/);
    expect((await admin.get(location)).html).not.toContain('new-api-key');

    const contacts = await app.api({ tenant: { id: tenantId! } as never, apiKey: key! }, 'GET', '/contacts');
    expect(contacts.status).toBe(200);
    expect(contacts.body.items).toEqual([expect.objectContaining({ name: '王五', mobile: '+8613800138123', email: 'wang@example.com', language: 'en', subscriptions: ['voice_template', 'reminder_reply'] })]);
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, tenantId!), eq(auditLog.action, 'tenant.create')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'staff', objectType: 'tenant', details: expect.objectContaining({ name: body.get('tenantName') }) });
    expect(JSON.stringify(audit[0]!.details)).not.toContain(key!);
    expect(await app.database.db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId!))).toHaveLength(1);
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`when the form is refused for a reader of ${lang}, then it comes back as typed with each refusal beside its field, and nothing is created`, async () => {
      const { session: admin } = await signedIn(app, 'admin');
      admin.setCookie('vrd_lang', lang);
      const taken = await app.addTenant();
      const before = (await app.database.db.select().from(tenants)).length;
      await admin.get('/tenants/new');

      const bad = registration({ tenantName: '', mobile: '12345', email: 'not-mail', name: '赵六' });
      bad.set('_csrf', admin.csrf);
      const refused = await admin.postRaw('/tenants', bad);
      expect(refused.status).toBe(422);
      expect(refused.html).toMatch(/name="name" value="赵六"/);
      expect(refused.html).toMatch(/name="mobile" value="12345"/);
      expect(refused.html).toMatch(/<option value="en" selected>/);
      expect(refused.html).toMatch(/value="voice_template" checked/);
      expect(refused.html).toContain('data-field="tenantName"');
      expect(refused.html).toMatch(lang === 'en' ? /data-field="mobile">[^<]*country code/ : /data-field="mobile">[^<]*国家码/);
      expect(refused.html).toContain('data-field="email"');

      const dup = registration({ tenantName: taken.tenant.name });
      dup.set('_csrf', admin.csrf);
      const conflict = await admin.postRaw('/tenants', dup);
      expect(conflict.status).toBe(409);
      expect(conflict.html).toContain(`value="${taken.tenant.name}"`);
      expect(conflict.html).toContain(lang === 'en' ? 'A tenant already has this name' : '已有同名租户');
      expect((await app.database.db.select().from(tenants)).length).toBe(before);
    });
  }

  it('when someone who is not an admin asks for the form or posts it, or the CSRF token is missing, then nothing is created', async () => {
    for (const role of ['reviewer', 'supervisor', 'auditor'] as const) {
      const { session } = await signedIn(app, role);
      expect((await session.get('/tenants/new')).status).toBe(403);
      expect((await session.get('/tenants')).html).not.toContain('href="/tenants/new"');
      const body = registration();
      body.set('_csrf', session.csrf);
      expect((await session.postRaw('/tenants', body)).status).toBe(403);
      expect(await app.database.db.select().from(tenants).where(eq(tenants.name, body.get('tenantName')!))).toHaveLength(0);
    }
    const { session: admin } = await signedIn(app, 'admin');
    expect((await admin.get('/tenants')).html).toContain('href="/tenants/new"');
    const body = registration();
    body.set('_csrf', 'forged');
    expect((await admin.postRaw('/tenants', body)).status).toBe(403);
    expect(await app.database.db.select().from(tenants).where(eq(tenants.name, body.get('tenantName')!))).toHaveLength(0);
  });
});
