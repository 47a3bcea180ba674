import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notificationOutbox, reviewEvents, reviews } from '../../db/schema.js';
import { BackOfficeSession } from '../support/back-office.js';
import { ruleFormBody } from '../support/rules.js';
import { addContact, startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';
import { ruleSetInForce } from '../../db/rule-sets.js';

let app: TestApp;
let tenant: TestTenant;
let reviewer: BackOfficeSession;

type View = { id: string; status: string; decision: { reasonCode: string; reasonText: string | null } | null };

/** The review page as a reviewer reading `lang` sees it. */
async function reviewPage(id: string, lang: 'zh-CN' | 'en'): Promise<string> {
  reviewer.setCookie('vrd_lang', lang);
  return (await reviewer.get(`/reviews/${id}`)).html;
}

const read = async (id: string, lang: string) => (await app.api(tenant, 'GET', `/reviews/${id}`, undefined, { 'accept-language': lang })).body as View;

async function rejectedAutomatically(over: Record<string, unknown>): Promise<View> {
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await expect.poll(async () => (await read(res.body.id, 'en')).status, { timeout: 30_000 }).toBe('rejected');
  return res.body as View;
}

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '王芳', email: 'wang.fang@example.com', mobile: '+8613800138001', language: 'zh-CN', subscriptions: ['voice_template'] });
  await addContact(app, tenant.tenant.id, { name: 'Emily', email: 'emily@example.com', mobile: '+8613800138002', language: 'en', subscriptions: ['voice_template'] });
  const a = await app.addStaff('admin');
  const admin = new BackOfficeSession(app.url);
  await admin.login(a.email, a.password);
  await admin.get('/admin/rules/voice_template');
  const rules = structuredClone((await ruleSetInForce(app.database.db, 'voice_template')).rules);
  rules.checks.template!.bannedPhrases = ['免费'];
  expect((await admin.postRaw('/admin/rules/voice_template', ruleFormBody('voice_template', rules, admin.csrf))).status).toBe(303);
  const r = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(r.email, r.password);
});

afterAll(async () => {
  await app?.stop();
});

describe('an automatic rejection is kept as a code with its facts and read in each reader’s language', () => {
  it('when a template is rejected for a banned word, then the reason is stored as a code and the word found, with no text in either language', async () => {
    const v = await rejectedAutomatically({ name: '禁用词存储', content: '限时免费领取，${DATE}前有效' });
    const [row] = await app.database.db.select().from(reviews).where(eq(reviews.id, v.id));
    expect(row).toMatchObject({ decisionReasonCode: 'banned_words', decisionReasonText: null });
    const [event] = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, v.id), eq(reviewEvents.type, 'rejected')));
    expect(event!.data).toMatchObject({ reasonCode: 'banned_words', reasonText: null, reasonParams: { words: ['免费'] } });
  });

  it('when the tenant API, the review page and the notices show it, then each reader gets it in their own language only, with Chinese punctuation in Chinese', async () => {
    const v = await rejectedAutomatically({ name: '禁用词阅读', content: '免费送${TXT_4}到府' });
    expect((await read(v.id, 'zh-CN')).decision?.reasonText).toBe('包含禁用词：“免费”');
    expect((await read(v.id, 'en')).decision?.reasonText).toBe('Contains banned words: “免费”');

    const en = await reviewPage(v.id, 'en');
    expect(en).toContain('Contains banned words: “免费”');
    expect(en).not.toContain('包含禁用词');
    const zh = await reviewPage(v.id, 'zh-CN');
    expect(zh).toContain('包含禁用词：“免费”');
    expect(zh).not.toContain('Contains banned words');

    await expect.poll(async () => (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, v.id))).length).toBeGreaterThanOrEqual(2);
    const notices = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, v.id), eq(notificationOutbox.channel, 'email')));
    const toZh = notices.find((n) => n.recipient === 'wang.fang@example.com')!;
    const toEn = notices.find((n) => n.recipient === 'emily@example.com')!;
    expect(toZh.body).toContain('：包含禁用词：“免费”');
    expect(toZh.body).not.toMatch(/\p{Script=Han}: /u);
    expect(toZh.body).not.toContain('Contains banned words');
    expect(toEn.body).toContain(': Contains banned words: “免费”');
    expect(toEn.body).not.toContain('包含禁用词');
  });

  it('when a rejection was stored before, as text in both languages at once, then each reader still gets only their half', async () => {
    const v = await rejectedAutomatically({ name: '旧的存储', content: '免费领取${DATE}' });
    const both = '包含禁用词：“免费” / Contains banned words: “免费”';
    await app.database.db.update(reviews).set({ decisionReasonText: both }).where(eq(reviews.id, v.id));
    await app.database.db
      .update(reviewEvents)
      .set({ data: { reasonCode: 'banned_words', reasonText: both } })
      .where(and(eq(reviewEvents.reviewId, v.id), eq(reviewEvents.type, 'rejected')));
    expect((await read(v.id, 'zh-CN')).decision?.reasonText).toBe('包含禁用词：“免费”');
    expect((await read(v.id, 'en')).decision?.reasonText).toBe('Contains banned words: “免费”');
    const en = await reviewPage(v.id, 'en');
    expect(en).toMatch(/Contains banned words: “免费”(?! \/)/);
    expect(en).not.toContain('包含禁用词');
  });

  it('when the English review page shows a Chinese template, then its sample is read out in Chinese as a listener hears it, marked as Chinese, with no English values inside', async () => {
    const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '示例朗读', content: '请于${DATE}前到${TXT_8}领取您的快递' }));
    const page = await reviewPage(res.body.id, 'en');
    const sample = /<dt>Sample rendering<\/dt><dd class="content muted" lang="([^"]+)">([^<]*)<\/dd>/.exec(page);
    expect(sample?.[1]).toBe('zh-CN');
    expect(sample?.[2]).toBe('请于11月26日前到朝阳区望京驿站领取您的快递');
    expect(page).toMatch(/<html lang="en"/);
  });
});
