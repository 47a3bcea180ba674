import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, notificationOutbox } from '../../db/schema.js';
import { templateInForce } from '../../db/notice-templates.js';
import { BackOfficeSession, decideInBackOffice, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let admin: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp();
  const member = await app.addStaff('admin');
  admin = new BackOfficeSession(app.url);
  await admin.login(member.email, member.password);
});

afterAll(async () => {
  await app?.stop();
});

const path = '/admin/templates/review.approved/sms/zh-CN';

describe('editing notice templates', () => {
  it('when an admin previews a draft, then it renders with a real review and counts SMS segments; an unknown variable is shown as an error', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '预览用模板' }));
    await admin.get(path);
    const ok = await admin.post(`${path}/preview`, { review: submitted.body.id, body: '您的“{{title}}”已通过' }, { 'HX-Request': 'true' });
    expect(ok.status).toBe(200);
    expect(ok.html).toContain('您的“预览用模板”已通过');
    expect(ok.html).toMatch(/1 条短信/);
    const bad = await admin.post(`${path}/preview`, { review: submitted.body.id, body: '{{nope}}' }, { 'HX-Request': 'true' });
    expect(bad.html).toContain('变量 {{nope}} 不存在');
  });

  it('when an admin saves a template with an unknown variable, then it is refused; a valid one is saved, audited and used by the next decision', async () => {
    await admin.get(path);
    const refused = await admin.post(path, { body: '审核通过 {{password}}' });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('变量 {{password}} 不存在');

    await admin.get(path);
    const saved = await admin.post(path, { body: '【新措辞】{{title}} 通过' });
    expect(saved.status).toBe(303);
    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'template.change'));
    expect(audit.map((a) => a.objectId)).toContain('review.approved/sms/zh-CN');

    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '张伟', email: 'z@example.com', mobile: '+8613800138000', subscriptions: ['voice_template'] });
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '新措辞测试' }));
    const page = await admin.get(`/reviews/${submitted.body.id}`);
    await admin.post(`/reviews/${submitted.body.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });
    const sms = (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, submitted.body.id))).find((n) => n.channel === 'sms');
    expect(sms?.body).toBe('【新措辞】新措辞测试 通过');
  });

  it('when an admin previews a template for a rejected review, then the preview is exactly the notice sent for it, in each language', async () => {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '李娜', email: 'li@example.com', mobile: '+8613800138001', language: 'zh-CN', subscriptions: ['voice_template'] });
    await addContact(app, tenant.tenant.id, { name: 'Dana', email: 'dana@example.com', mobile: '+8613800138002', language: 'en', subscriptions: ['voice_template'] });
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '预览即通知' }));
    // A typed explanation ending in its own full stop: the notice drops it, so must the preview.
    await decideInBackOffice(admin, submitted.body.id, { outcome: 'rejected', reasonCode: 'other', reasonText: '业务场景描述过于笼统。' });
    const sent = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, submitted.body.id));
    const decode = (html: string) => html.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x60': '`', '#x3D': '=' })[e]!);

    for (const lang of ['zh-CN', 'en'] as const) {
      for (const channel of ['email', 'sms'] as const) {
        const row = sent.find((n) => n.language === lang && n.channel === channel);
        expect(row, `${lang} ${channel} notice`).toBeDefined();
        const template = await templateInForce(app.database.db, 'review.rejected', channel, lang);
        const at = `/admin/templates/review.rejected/${channel}/${lang}`;
        await admin.get(at);
        const preview = await admin.post(`${at}/preview`, { review: submitted.body.id, subject: template.subject ?? '', body: template.body }, { 'HX-Request': 'true' });
        expect(preview.status).toBe(200);
        const text = /<pre class="content" lang="[^"]+">([\s\S]*?)<\/pre>/.exec(preview.html)?.[1];
        expect(decode(text ?? '')).toBe(row!.body);
        if (channel === 'email') expect(decode(/<strong>([\s\S]*?)<\/strong>/.exec(preview.html)?.[1] ?? '')).toBe(row!.subject);
      }
    }
  });

  it('when a reviewer opens the template editor, then it is forbidden', async () => {
    const member = await app.addStaff('reviewer');
    const session = new BackOfficeSession(app.url);
    await session.login(member.email, member.password);
    expect((await session.get(path)).status).toBe(403);
  });
});
