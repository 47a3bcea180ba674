import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog, reviewEvents, reviews } from '../../db/schema.js';
import { BackOfficeSession, signedIn } from '../support/back-office.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

/**
 * Every back-office form ends in a 303 to a page that can be opened and reloaded, and that page
 * says once what happened (the sealed flash cookie). A refused form comes back as it was typed.
 */

let app: TestApp;
let admin: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp();
  ({ session: admin } = await signedIn(app, 'admin'));
});
afterAll(() => app?.stop());

/** Posts a form from the page it is on, follows the 303 as a browser does, and gives the page it lands on. */
async function postFrom(session: BackOfficeSession, page: string, path: string, form: Record<string, string> | URLSearchParams) {
  await session.get(page);
  const headers = { referer: app.url + page };
  if (form instanceof URLSearchParams) form.set('_csrf', session.csrf);
  const posted = form instanceof URLSearchParams ? await session.postRaw(path, form, headers) : await session.post(path, form, headers);
  expect(posted.status, posted.html).toBe(303);
  const location = posted.headers.get('location')!;
  const landed = await session.get(location);
  expect(landed.status).toBe(200);
  return { location, html: landed.html };
}

const flashOf = (html: string) => /<div class="message (\w+) flash"[^>]*>\s*<p>([^<]*)<\/p>/.exec(html)?.slice(1) ?? [];
const keyCount = async (t: TestTenant) => (await app.database.db.select().from(apiKeys).where(eq(apiKeys.tenantId, t.tenant.id))).length;

describe("a tenant's page", () => {
  it('when an admin issues an API key, then the tenant page shows it once, and reloading that page shows no key and issues none', async () => {
    const t = await app.addTenant();
    const page = `/tenants/${t.tenant.id}`;
    const before = await keyCount(t);
    const issued = await postFrom(admin, page, `${page}/api-keys`, { label: '对接' });
    expect(issued.location).toBe(`${page}#api-keys`);
    const key = /id="new-api-key" lang="zxx">(vrd_[^<]+)</.exec(issued.html)?.[1];
    expect(key).toBeDefined();
    expect(flashOf(issued.html)).toEqual(['ok', '已生成新的 API 密钥。']);
    expect(await keyCount(t)).toBe(before + 1);

    const reloaded = await admin.get(issued.location);
    expect(reloaded.html).not.toContain('id="new-api-key"');
    expect(reloaded.html).not.toContain(key!);
    expect(flashOf(reloaded.html)).toEqual([]);
    expect(await keyCount(t)).toBe(before + 1);
    // The key is real: the tenant API takes it.
    const res = await fetch(`${app.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  });

  it('when a key is revoked without ticking the confirmation, then nothing is revoked and the page says so; ticked, it is revoked, the page says that and the tenant API refuses the key from the next request', async () => {
    const t = await app.addTenant();
    const page = `/tenants/${t.tenant.id}`;
    const issued = await postFrom(admin, page, `${page}/api-keys`, { label: '待吊销' });
    const key = /id="new-api-key" lang="zxx">(vrd_[^<]+)</.exec(issued.html)?.[1];
    const useKey = async () => (await fetch(`${app.url}/api/v1/contacts`, { headers: { authorization: `Bearer ${key}` } })).status;
    expect(await useKey()).toBe(200);
    const [row] = await app.database.db.select().from(apiKeys).where(and(eq(apiKeys.tenantId, t.tenant.id), eq(apiKeys.label, '待吊销')));
    const unconfirmed = await postFrom(admin, page, `${page}/api-keys/${row!.id}/revoke`, {});
    expect(flashOf(unconfirmed.html)).toEqual(['error', '未执行：请先勾选确认框。']);
    expect((await app.database.db.select().from(apiKeys).where(and(eq(apiKeys.id, row!.id), isNull(apiKeys.revokedAt)))).length).toBe(1);
    expect(await useKey()).toBe(200);
    const revoked = await postFrom(admin, page, `${page}/api-keys/${row!.id}/revoke`, { confirm: '1' });
    expect(flashOf(revoked.html)[0]).toBe('ok');
    expect((await app.database.db.select().from(apiKeys).where(and(eq(apiKeys.id, row!.id), isNull(apiKeys.revokedAt)))).length).toBe(0);
    expect(revoked.location).toBe(`${page}#api-keys`);
    // The key's lookup is a statement prepared once per process: it still reads the revocation on every request.
    expect(await useKey()).toBe(401);
  });

  it('when the app quota is refused, then the page keeps what was typed with the refusal beside the field; accepted, it says what changed', async () => {
    const t = await app.addTenant();
    const page = `/tenants/${t.tenant.id}`;
    const refused = await postFrom(admin, page, `${page}/app-quota`, { appQuota: '5000' });
    expect(refused.location).toBe(`${page}#app-quota`);
    expect(refused.html).toContain('name="appQuota" type="number" min="0" max="1000" step="1" value="5000"');
    expect(refused.html).toMatch(/data-field="appQuota">[^<]+</);
    const changed = await postFrom(admin, page, `${page}/app-quota`, { appQuota: '7' });
    expect(flashOf(changed.html)).toEqual(['ok', '应用配额已由 5 改为 7']);
  });

  it('when a contact with an invalid mobile is added, then name, e-mail, language and subscriptions are kept and the refusal beside the mobile is in the page language', async () => {
    const t = await app.addTenant();
    const page = `/tenants/${t.tenant.id}`;
    const form = () => new URLSearchParams([['name', '钱七'], ['mobile', '12345'], ['email', 'qian@example.com'], ['language', 'en'], ['subscriptions', 'audio_file'], ['subscriptions', 'reminder_reply']]);
    for (const [lang, wording] of [['zh-CN', /国家码/], ['en', /country code/]] as const) {
      admin.setCookie('vrd_lang', lang);
      const back = await postFrom(admin, page, `${page}/contacts`, form());
      expect(back.location).toBe(`${page}#contact-new`);
      const added = /<section class="card" id="contact-new">([\s\S]*?)<\/section>/.exec(back.html)![1]!;
      expect(added).toContain('name="name" value="钱七"');
      expect(added).toContain('name="mobile" value="12345"');
      expect(added).toContain('value="qian@example.com"');
      expect(added).toContain('<option value="en" selected>');
      expect(added).toMatch(/value="audio_file" checked/);
      expect(added).toMatch(/value="reminder_reply" checked/);
      expect(added).not.toMatch(/value="voice_template" checked/);
      const refusal = /data-field="mobile">([^<]+)</.exec(added)![1]!;
      expect(refusal).toMatch(wording);
      expect(refusal).not.toMatch(lang === 'zh-CN' ? /[A-Za-z]{3}/ : /[\u4e00-\u9fff]/);
    }
    admin.setCookie('vrd_lang', 'zh-CN');
    expect((await app.api(t, 'GET', '/contacts')).body.items).toEqual([]);
  });

  it('when a contact is removed without ticking the confirmation, then it stays; ticked, it is gone and the page says so', async () => {
    const t = await app.addTenant();
    const page = `/tenants/${t.tenant.id}`;
    const created = await app.api(t, 'POST', '/contacts', { name: '孙八', mobile: '13800138008', email: 'sun@example.com', subscriptions: [] });
    const kept = await postFrom(admin, page, `${page}/contacts/${created.body.id}/delete`, {});
    expect(flashOf(kept.html)[0]).toBe('error');
    expect((await app.api(t, 'GET', '/contacts')).body.items).toHaveLength(1);
    const removed = await postFrom(admin, page, `${page}/contacts/${created.body.id}/delete`, { confirm: '1' });
    expect(flashOf(removed.html)).toEqual(['ok', '已删除该联系人。']);
    expect((await app.api(t, 'GET', '/contacts')).body.items).toEqual([]);
  });
});

describe('the flash cookie', () => {
  it('when it is altered or forged, then the page opens without a message and shows no secret', async () => {
    const t = await app.addTenant();
    const page = `/tenants/${t.tenant.id}`;
    await admin.get(page);
    expect((await admin.post(`${page}/api-keys`, { label: '篡改' })).status).toBe(303);
    const sealed = admin.cookie('vrd_flash')!;
    expect(sealed).toBeDefined();
    const flipped = `${sealed.slice(0, 40)}${sealed[40] === 'A' ? 'B' : 'A'}${sealed.slice(41)}`;
    for (const forged of [flipped, Buffer.from(JSON.stringify({ kind: 'ok', key: 'flash.apiKeyIssued' })).toString('base64url')]) {
      admin.setCookie('vrd_flash', forged);
      const opened = await admin.get(page);
      expect(opened.status).toBe(200);
      expect(opened.html).not.toContain('id="flash"');
    }
  });
});

describe('saving anywhere', () => {
  it('when a notice template is saved and reset, then each lands on the template page saying so, and a reload says nothing', async () => {
    const page = '/admin/templates/review.approved/sms/zh-CN';
    const saved = await postFrom(admin, page, page, { body: '您的审核已通过。' });
    expect(saved.location).toBe(page);
    expect(flashOf(saved.html)).toEqual(['ok', '模板已保存，之后发出的通知将使用此措辞。']);
    expect(saved.html).toContain('您的审核已通过。');
    expect(flashOf((await admin.get(page)).html)).toEqual([]);
    const reset = await postFrom(admin, page, `${page}/reset`, {});
    expect(flashOf(reset.html)).toEqual(['ok', '已恢复默认措辞。']);
  });

  it('when an admin invites a member, then the member page shows the first password once, and a reload shows it no more', async () => {
    const email = `new-${randomBytes(3).toString('hex')}@test.local`;
    const invited = await postFrom(admin, '/admin/staff', '/admin/staff', { email, name: '新同事', role: 'reviewer', language: 'zh-CN' });
    expect(invited.location).toMatch(/^\/admin\/staff\/[0-9a-f-]{36}$/);
    const password = /id="initial-password" lang="zxx">([^<]+)</.exec(invited.html)?.[1];
    expect(password).toBeDefined();
    expect(flashOf(invited.html)[1]).toContain(email);
    expect((await admin.get(invited.location)).html).not.toContain(password!);
    const newcomer = new BackOfficeSession(app.url);
    await newcomer.login(email, password!);
  });

  it('when a rules version is restored, then it asks for the confirmation first, and the rules page says what became of it', async () => {
    const page = '/admin/rules/voice_template/versions/0';
    const unconfirmed = await postFrom(admin, page, `${page}/restore`, { comment: '回到默认' });
    expect(unconfirmed.location).toBe(page);
    expect(flashOf(unconfirmed.html)).toEqual(['error', '未执行：请先勾选确认框。']);
    const restored = await postFrom(admin, page, `${page}/restore`, { comment: '回到默认', confirm: '1' });
    expect(restored.location).toBe('/admin/rules/voice_template');
    expect(flashOf(restored.html)[1]).toMatch(/第 0 版/);
  });
});

describe('an expired session', () => {
  it('when a form is posted after the session ended, then the login returns to the page the form was on, never to the post path', async () => {
    const anon = new BackOfficeSession(app.url);
    await anon.get('/login');
    const id = '0b7c1f5e-1111-4222-8333-444455556666';
    const fromPage = await anon.post(`/reviews/${id}/release`, { round: '1' }, { referer: `${app.url}/reviews/${id}?from=%2Fqueue%3Fkind%3Daudio_file` });
    expect(fromPage.status).toBe(303);
    expect(fromPage.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/reviews/${id}?from=%2Fqueue%3Fkind%3Daudio_file`)}`);
    const noReferer = await anon.post(`/reviews/${id}/release`, { round: '1' }, { referer: '' });
    expect(noReferer.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/reviews/${id}`)}`);
    const htmx = await anon.post(`/reviews/${id}/claim`, { round: '1' }, { 'HX-Request': 'true', 'HX-Current-URL': `${app.url}/reviews/${id}` });
    expect(htmx.status).toBe(401);
    expect(htmx.headers.get('hx-redirect')).toBe(`/login?next=${encodeURIComponent(`/reviews/${id}`)}`);

    const member = await app.addStaff('reviewer');
    await anon.get(fromPage.headers.get('location')!);
    const login = await anon.post('/login', { email: member.email, password: member.password, next: `/reviews/${id}` });
    expect(login.headers.get('location')).toBe(`/reviews/${id}`);
  });

  it('when the next address leaves the site, then the login goes to the queue instead', async () => {
    const member = await app.addStaff('reviewer');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const s = new BackOfficeSession(app.url);
      await s.get('/login');
      const login = await s.post('/login', { email: member.email, password: member.password, next });
      expect(login.headers.get('location'), next).toBe('/queue');
    }
  });
});

describe('deactivating a reviewer', () => {
  it('when a reviewer holding a claimed review is deactivated, then it asks first, the review goes back to the queue with its event and audit row, and the reviewer stays in the assignee filter', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `停用${randomBytes(2).toString('hex')}` }));
    expect(submitted.status).toBe(201);
    const reviewId = submitted.body.id as string;
    const { member, session: reviewer } = await signedIn(app, 'reviewer');
    await reviewer.get(`/reviews/${reviewId}`);
    const claimed = await reviewer.post(`/reviews/${reviewId}/claim`, { round: '1', token: randomBytes(12).toString('hex') });
    expect(claimed.status).toBe(303);
    expect((await app.database.db.select().from(reviews).where(eq(reviews.id, reviewId)))[0]!.assigneeId).toBe(member.id);

    const page = `/admin/staff/${member.id}`;
    expect((await admin.get(page)).html).toContain('目前持有 1 条');
    const unconfirmed = await admin.post(`${page}/active`, { active: '0' });
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('请先勾选确认框');
    // Its address, opened again, is the member's page.
    expect((await admin.get(`${page}/active`)).headers.get('location')).toBe(page);
    expect((await app.database.db.select().from(reviews).where(eq(reviews.id, reviewId)))[0]!.assigneeId).toBe(member.id);

    const done = await postFrom(admin, page, `${page}/active`, { active: '0', confirm: '1', handTo: '' });
    expect(flashOf(done.html)).toEqual(['ok', '已停用该账号，其登录已结束；其持有的 1 条审核已退回队列。']);
    expect((await app.database.db.select().from(reviews).where(eq(reviews.id, reviewId)))[0]!.assigneeId).toBeNull();
    const events = await app.database.db.select().from(reviewEvents).where(eq(reviewEvents.reviewId, reviewId));
    expect(events.map((e) => e.type)).toContain('released');
    const released = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, reviewId), eq(auditLog.action, 'review.release')));
    expect(released).toHaveLength(1);
    expect(released[0]!.details).toMatchObject({ previousAssigneeId: member.id });

    const queue = await admin.get('/queue?status=all');
    expect(queue.html).toMatch(new RegExp(`<optgroup label="已停用人员">[^]*?<option value="${member.id}"`));
    const filtered = await admin.get(`/queue?status=all&assignee=${member.id}`);
    expect(filtered.html).toMatch(new RegExp(`<option value="${member.id}" selected>`));
  });

  it('when the admin hands the held reviews to a colleague, then each is assigned to them through its round and the page names them', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `转交${randomBytes(2).toString('hex')}` }));
    const reviewId = submitted.body.id as string;
    const { member, session: leaving } = await signedIn(app, 'reviewer');
    const { member: heir } = await signedIn(app, 'reviewer');
    await leaving.get(`/reviews/${reviewId}`);
    expect((await leaving.post(`/reviews/${reviewId}/claim`, { round: '1', token: randomBytes(12).toString('hex') })).status).toBe(303);

    const page = `/admin/staff/${member.id}`;
    expect((await admin.get(page)).html).toMatch(new RegExp(`<option value="${heir.id}">`));
    const done = await postFrom(admin, page, `${page}/active`, { active: '0', confirm: '1', handTo: heir.id });
    expect(flashOf(done.html)).toEqual(['ok', `已停用该账号，其登录已结束；其持有的 1 条审核已转交给 ${heir.name}。`]);
    expect((await app.database.db.select().from(reviews).where(eq(reviews.id, reviewId)))[0]!.assigneeId).toBe(heir.id);
    const assigned = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, reviewId), eq(auditLog.action, 'review.assign')));
    expect(assigned.map((a) => a.details)).toEqual([expect.objectContaining({ assigneeId: heir.id })]);
  });
});
