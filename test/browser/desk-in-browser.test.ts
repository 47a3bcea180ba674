import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { apiKeys, reviews } from '../../db/schema.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
beforeAll(async () => void ([app, browser] = await Promise.all([startTestApp(), launchChromium()])));
afterAll(async () => void (await Promise.all([browser?.close(), app?.stop()])));

async function signIn(page: Page, role: 'admin' | 'reviewer', next: string) {
  const member = await app.addStaff(role);
  await page.goto(`${app.url}/login?next=${encodeURIComponent(next)}`);
  await page.fill('input[name=email]', member.email);
  await page.fill('input[name=password]', member.password);
  await page.click('button[type=submit].primary');
  return member;
}

const WORDING = {
  'zh-CN': { issued: '已生成新的 API 密钥。', mobile: /国家码/, confirm: '请先勾选确认框' },
  en: { issued: 'A new API key was issued.', mobile: /country code/, confirm: 'tick the confirmation box' },
} as const;

describe("the tenant page in a browser", () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`when an admin reading ${lang} issues a key, mistypes a contact and revokes a key, then each lands on the tenant page saying what happened, and a reload repeats nothing`, async () => {
      const tenant = await app.addTenant();
      const tenantPage = `${app.url}/tenants/${tenant.tenant.id}`;
      const keys = async () => app.database.db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenant.tenant.id));
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await signIn(page, 'admin', '/queue');
      await page.waitForURL(/\/queue/);
      await page.goto(`${app.url}/language/${lang}?next=${encodeURIComponent(`/tenants/${tenant.tenant.id}`)}`);
      const before = (await keys()).length;

      await page.fill('form[action$="/api-keys"] input[name=label]', 'browser');
      await page.click('form[action$="/api-keys"] button[type=submit]');
      await page.waitForURL(`${tenantPage}#api-keys`);
      expect(await page.locator('#flash p').first().textContent()).toBe(WORDING[lang].issued);
      const key = await page.locator('#new-api-key').textContent();
      expect(key).toMatch(/^vrd_/);
      expect((await keys()).length).toBe(before + 1);
      await page.reload();
      expect(await page.locator('#new-api-key').count()).toBe(0);
      expect(await page.locator('#flash').count()).toBe(0);
      expect((await keys()).length).toBe(before + 1);

      const add = page.locator('#contact-new form');
      await add.locator('input[name=name]').fill('周九');
      await add.locator('input[name=mobile]').fill('12345');
      await add.locator('input[name=email]').fill('zhou@example.com');
      await add.locator('select[name=language]').selectOption('en');
      await add.locator('input[value=audio_file]').check();
      await add.locator('button[type=submit]').click();
      await page.waitForURL(`${tenantPage}#contact-new`);
      const kept = page.locator('#contact-new form');
      expect(await kept.locator('input[name=name]').inputValue()).toBe('周九');
      expect(await kept.locator('input[name=mobile]').inputValue()).toBe('12345');
      expect(await kept.locator('input[name=email]').inputValue()).toBe('zhou@example.com');
      expect(await kept.locator('select[name=language]').inputValue()).toBe('en');
      expect(await kept.locator('input[value=audio_file]').isChecked()).toBe(true);
      expect(await kept.locator('[data-field=mobile]').textContent()).toMatch(WORDING[lang].mobile);

      // Unticked, the browser does not send the revoke: no script involved, nothing revoked.
      const [row] = await keys();
      const revoke = page.locator(`form[action$="/api-keys/${row!.id}/revoke"]`);
      await revoke.locator('button[type=submit]').click();
      expect(page.url()).toBe(`${tenantPage}#contact-new`);
      expect((await app.database.db.select().from(apiKeys).where(and(eq(apiKeys.id, row!.id), isNull(apiKeys.revokedAt)))).length).toBe(1);
      await revoke.locator('input[name=confirm]').check();
      await revoke.locator('button[type=submit]').click();
      await page.waitForURL(`${tenantPage}#api-keys`);
      expect(await page.locator('#flash.ok').count()).toBe(1);
      expect((await app.database.db.select().from(apiKeys).where(and(eq(apiKeys.id, row!.id), isNull(apiKeys.revokedAt)))).length).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

describe('an expired session in a browser', () => {
  it('when a reviewer logs out in another tab and then presses release, then the login brings them back to the review page', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '过期会话' }));
    expect(submitted.status).toBe(201);
    const reviewPage = `${app.url}/reviews/${submitted.body.id}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const member = await signIn(page, 'reviewer', `/reviews/${submitted.body.id}`);
    await page.waitForURL(reviewPage);
    await page.click('#claim');
    await expect.poll(() => page.locator('#release').count(), { timeout: 20_000 }).toBe(1);

    const other = await context.newPage();
    await other.goto(`${app.url}/queue`);
    await other.evaluate(() => (document.querySelector('form[action="/logout"]') as HTMLFormElement).submit());
    await other.waitForURL(/\/login/);

    await page.click('#release');
    // Polled rather than awaited as one navigation: the way to the login may pass through a navigation the browser aborts.
    await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/\/login\?next=/);
    await page.waitForLoadState();
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/reviews/${submitted.body.id}`);
    await page.fill('input[name=email]', member.email);
    await page.fill('input[name=password]', member.password);
    await page.click('button[type=submit].primary');
    await page.waitForURL(reviewPage);
    // Nothing was replayed: the review is still theirs until they release it again.
    expect((await app.database.db.select().from(reviews).where(eq(reviews.id, submitted.body.id as string)))[0]!.assigneeId).toBe(member.id);
    await context.close();
  });
});
