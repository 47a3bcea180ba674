import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { appendRuleSetVersion, lockRuleSet, ruleSetInForce } from '../../db/rule-sets.js';
import type { Language } from '../../domain/labels.js';
import { BackOfficeSession } from '../support/back-office.js';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { validActivation } from '../support/kinds.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;

/** A reason service activations share with voice templates: the same code in both catalogues. */
const SHARED = 'content_unclear';

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  const admin = await app.addStaff('admin');
  const rules = (await ruleSetInForce(app.database.db, 'service_activation')).rules;
  const shared = { code: SHARED, staff: { 'zh-CN': '内容表述不清', en: 'The content is unclear' }, tenant: { 'zh-CN': '内容表述不清', en: 'The content is unclear' }, requiresText: false, active: true };
  await app.database.db.transaction(async (tx) => {
    await lockRuleSet(tx, 'service_activation');
    await appendRuleSetVersion(tx, { kind: 'service_activation', rules: { ...rules, reasons: [shared, ...rules.reasons] }, comment: 'shared reason', authorId: admin.id, authorName: admin.name });
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The reasons the bulk bar offers now (the ones a reader can choose). */
const offered = (page: Page) => page.locator('#bulk-reason option[value]:not([value=""]):not([disabled])').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));

async function tenantWithBoth() {
  const tenant = await app.addTenant();
  const templates: string[] = [];
  for (const name of ['批量原因一', '批量原因二']) {
    const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name }));
    expect(res.status).toBe(201);
    templates.push(res.body.id as string);
  }
  const activation = await app.api(tenant, 'POST', '/service-activations', validActivation());
  expect(activation.status, JSON.stringify(activation.body)).toBe(201);
  return { tenant, templates, activation: activation.body.id as string };
}

describe.each(['zh-CN', 'en'] as Language[])('bulk reject reasons by kind (%s)', (lang) => {
  it('when the selection is of one kind, then bulk reject offers that kind’s reasons; mixed with another kind, only the reasons both have and “other”; and the rejection goes through', async () => {
    const { tenant, templates, activation } = await tenantWithBoth();
    const { page, errors } = await signedInPage(app, browser, 'supervisor', { lang });
    await page.goto(`${app.url}/queue?tenant=${tenant.tenant.id}`);
    // Nothing selected, two kinds on show: what they share.
    await expect.poll(() => offered(page)).toEqual([SHARED, 'other']);
    await page.check(`#r-${templates[0]} input[name=ids]`);
    await expect.poll(() => offered(page)).toEqual(['content_unclear', 'variables_misused', 'scenario_mismatch', 'prohibited_content', 'banned_words', 'template_limits', 'other']);
    expect(await page.locator('#bulk-reason option[value=variables_misused]').textContent()).toBe(lang === 'en' ? 'Variables are used incorrectly' : '变量使用不规范');
    await page.check(`#r-${activation} input[name=ids]`);
    await expect.poll(() => offered(page)).toEqual([SHARED, 'other']);
    await page.uncheck(`#r-${activation} input[name=ids]`);
    await page.check(`#r-${templates[1]} input[name=ids]`);
    await page.selectOption('#bulk-reason', 'variables_misused');
    page.once('dialog', (d) => void d.accept());
    await page.click('#bulk-bar button[value=rejected]');
    await page.waitForURL(/\/bulk\//);
    await expect.poll(() => page.locator('#bulk-progress').textContent(), { timeout: 30_000 }).toContain(lang === 'en' ? '2 of 2 done: 2 decided' : '已处理 2/2：成功 2');
    expect(await page.locator('#bulk-progress').textContent()).toContain(lang === 'en' ? 'Variables are used incorrectly' : '变量使用不规范');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when the queue shows one kind without a script, then its reasons are offered; and a reason one of the selected kinds lacks is refused', async () => {
    const { tenant, templates, activation } = await tenantWithBoth();
    const { page } = await signedInPage(app, browser, 'supervisor', { lang, javaScript: false });
    await page.goto(`${app.url}/queue?tenant=${tenant.tenant.id}&kind=voice_template`);
    expect(await offered(page)).toContain('banned_words');
    await page.goto(`${app.url}/queue?tenant=${tenant.tenant.id}`);
    expect(await offered(page)).toEqual([SHARED, 'other']);
    await page.context().close();

    const member = await app.addStaff('supervisor');
    const session = new BackOfficeSession(app.url);
    await session.login(member.email, member.password);
    await session.get('/queue');
    const refused = await session.postRaw('/queue/bulk', new URLSearchParams([['_csrf', session.csrf], ['ids', templates[0]!], ['ids', activation], ['outcome', 'rejected'], ['reasonCode', 'banned_words']]));
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('请选择驳回原因');
  });
});
