import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema.js';
import { templateInForce } from '../../db/notice-templates.js';
import { listNoticeTemplates, previewTemplate, resetNoticeTemplate, saveNoticeTemplate, templateSample, type TemplateKey } from '../../server/use-cases/notice-templates.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

const key: TemplateKey = { event: 'review.approved', channel: 'sms', language: 'en' };
const auditOf = (action: string) =>
  app.database.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.objectId, 'review.approved/sms/en')));

describe('the notice-template use cases', () => {
  it('when an admin saves a draft with an unknown variable, then nothing is saved or audited; a valid draft is saved with what it replaced, and a reset restores the default', async () => {
    const admin = await app.addStaff('admin');
    const before = await templateInForce(app.database.db, key.event, key.channel, key.language);

    const refused = await saveNoticeTemplate(app.database.db, key, { subject: null, body: 'Approved {{password}}' }, admin, null);
    expect(refused.saved).toBe(false);
    expect(await auditOf('template.change')).toHaveLength(0);

    expect(await saveNoticeTemplate(app.database.db, key, { subject: null, body: '{{title}} is approved' }, admin, '203.0.113.9')).toEqual({ saved: true });
    expect((await templateInForce(app.database.db, key.event, key.channel, key.language)).body).toBe('{{title}} is approved');
    const [change] = await auditOf('template.change');
    expect(change?.details).toMatchObject({ before: { body: before.body }, after: { body: '{{title}} is approved' } });
    expect((await listNoticeTemplates(app.database.db)).find((r) => r.event === key.event && r.channel === key.channel && r.language === key.language)?.overridden).toBe(true);

    await resetNoticeTemplate(app.database.db, key, admin, null);
    expect((await templateInForce(app.database.db, key.event, key.channel, key.language)).body).toBe(before.body);
    expect(await auditOf('template.reset')).toHaveLength(1);
  });

  it('when a draft is previewed with a review, then it reads that review; a broken draft reads why in the reader language', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '取件提醒' }));
    expect(submitted.status).toBe(201);
    const sample = await templateSample(app.database.db, submitted.body.id, 'en', 'Robin');
    expect(sample.review?.id).toBe(submitted.body.id);
    expect(previewTemplate(key, { subject: null, body: '{{title}} for {{contactName}}' }, sample.facts, 'en')).toMatchObject({ ok: true, text: '取件提醒 for Alex' });
    const broken = previewTemplate(key, { subject: null, body: '{{nope}}' }, sample.facts, 'zh-CN');
    expect(broken).toMatchObject({ ok: false });
    expect(broken.ok ? '' : broken.error).toContain('{{nope}}');
  });
});
