import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, submitTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
beforeAll(async () => void ([app, browser] = await Promise.all([startTestApp(), launchChromium()])));
afterAll(async () => void (await Promise.all([browser?.close(), app?.stop()])));

const WORDING = {
  'zh-CN': { page: (n: number, of: number) => `第 ${n} 页，共 ${of} 页`, older: '更早的审核', newest: '回到最新', next: '下一页', mobile: /国家码/, registered: '已登记租户' },
  en: { page: (n: number, of: number) => `Page ${n} of ${of}`, older: 'Older reviews', newest: 'Back to the newest', next: 'Next', mobile: /country code/, registered: 'Tenant ' },
} as const;

describe('the tenant list and a tenant’s reviews in a browser', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`when a reviewer reading ${lang} types in the search box, then the list narrows in place and the address keeps the search; the pages turn`, async () => {
      const tag = `b${randomBytes(3).toString('hex')}`;
      for (let i = 1; i <= 26; i++) await app.addTenant(`${tag}-${String(i).padStart(2, '0')}`);
      const { page, errors } = await signedInPage(app, browser, 'reviewer');
      await page.goto(`${app.url}/language/${lang}?next=/tenants`);
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
      await page.fill('#tenant-q', tag);
      await expect.poll(() => page.locator('#tenant-results nav.pager').textContent()).toContain(WORDING[lang].page(1, 2));
      expect(await page.locator('#tenant-list tbody tr').count()).toBe(25);
      await expect.poll(() => page.url()).toContain(`q=${tag}`);
      // Swapped in place: the page was not loaded again.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
      await page.click('#tenant-results a[rel=next]');
      await expect.poll(() => page.locator('#tenant-list tbody tr').count()).toBe(1);
      expect(await page.locator('#tenant-list tbody').textContent()).toContain(`${tag}-26`);
      await expect.poll(() => page.url()).toContain('page=2');
      await page.fill('#tenant-q', `${tag}-07`);
      await expect.poll(() => page.locator('#tenant-count').textContent()).toContain(`${tag}-07`);
      expect(await page.locator('#tenant-list tbody tr').count()).toBe(1);
      expect(await page.locator('#tenant-list tbody').textContent()).toContain(`${tag}-07`);
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it(`when JavaScript is off and the reader reads ${lang}, then searching and turning pages of tenants and of a tenant's reviews still work`, async () => {
      const tag = `n${randomBytes(3).toString('hex')}`;
      for (let i = 1; i <= 26; i++) await app.addTenant(`${tag}-${String(i).padStart(2, '0')}`);
      const t = await app.addTenant(`${tag}-reviews`);
      const ids: string[] = [];
      for (let i = 1; i <= 21; i++) ids.push(await submitTemplate(app, t, `浏览器分页${i}`));
      const { page } = await signedInPage(app, browser, 'reviewer', { javaScript: false });
      await page.goto(`${app.url}/language/${lang}?next=/tenants`);
      await page.fill('#tenant-q', tag);
      await page.click('form[role=search] button[type=submit]');
      await page.waitForURL(/q=/);
      expect(await page.locator('#tenant-list tbody tr').count()).toBe(25);
      await page.click(`text=${WORDING[lang].next}`);
      await page.waitForURL(/page=2/);
      expect(await page.locator('#tenant-list tbody tr').count()).toBe(2);
      await page.click(`a:text-is("${tag}-reviews")`);
      await page.waitForURL(`${app.url}/tenants/${t.tenant.id}`);
      expect(await page.locator('#tenant-reviews tbody tr').count()).toBe(20);
      expect(await page.locator('#tenant-reviews tbody tr').first().locator('a').getAttribute('href')).toBe(`/reviews/${ids[20]}`);
      await page.click(`#tenant-reviews a:has-text("${WORDING[lang].older}")`);
      await page.waitForURL(/reviews=/);
      expect(await page.locator('#tenant-reviews tbody tr').count()).toBe(1);
      expect(await page.locator('#tenant-reviews tbody a').getAttribute('href')).toBe(`/reviews/${ids[0]}`);
      await page.click(`#tenant-reviews a:has-text("${WORDING[lang].newest}")`);
      await page.waitForURL(/reviews=#/);
      expect(await page.locator('#tenant-reviews tbody tr').count()).toBe(20);
      await page.context().close();
    });
  }

  it('when a reviewer with JavaScript turns to older reviews, then only the reviews are swapped', async () => {
    const t = await app.addTenant();
    for (let i = 1; i <= 21; i++) await submitTemplate(app, t, `局部分页${i}`);
    const { page, errors } = await signedInPage(app, browser, 'reviewer');
    await page.goto(`${app.url}/tenants/${t.tenant.id}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.click('#tenant-reviews a[rel=next]');
    await expect.poll(() => page.locator('#tenant-reviews tbody tr').count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.click('#tenant-reviews a[rel=first]');
    await expect.poll(() => page.locator('#tenant-reviews tbody tr').count()).toBe(20);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`when an admin reading ${lang} registers a tenant with a mistyped mobile, then the form comes back as typed, and once corrected the tenant page shows the first key once`, async () => {
      const name = `浏览器登记-${randomBytes(3).toString('hex')}`;
      const { page, errors } = await signedInPage(app, browser, 'admin');
      await page.goto(`${app.url}/language/${lang}?next=/tenants`);
      await page.click('#new-tenant');
      await page.waitForURL(`${app.url}/tenants/new`);
      const form = page.locator('#tenant-new');
      await form.locator('input[name=tenantName]').fill(name);
      await form.locator('input[name=name]').fill('Li Lei');
      await form.locator('input[name=mobile]').fill('12345');
      await form.locator('input[name=email]').fill('lilei@example.com');
      await form.locator('select[name=language]').selectOption('en');
      await form.locator('input[value=voice_template]').check();
      await page.click('#register-tenant');
      await page.waitForURL(`${app.url}/tenants`);
      expect(await form.locator('[data-field=mobile]').textContent()).toMatch(WORDING[lang].mobile);
      expect(await form.locator('input[name=tenantName]').inputValue()).toBe(name);
      expect(await form.locator('select[name=language]').inputValue()).toBe('en');
      expect(await form.locator('input[value=voice_template]').isChecked()).toBe(true);

      await form.locator('input[name=mobile]').fill('+8613800138999');
      await page.click('#register-tenant');
      await page.waitForURL(/\/tenants\/[0-9a-f-]{36}#api-keys$/);
      expect(await page.locator('h1').textContent()).toBe(name);
      expect(await page.locator('#flash p').first().textContent()).toContain(WORDING[lang].registered);
      expect(await page.locator('#new-api-key').textContent()).toMatch(/^vrd_/);
      expect(await page.locator('#contacts').textContent()).toContain('(1/10)');
      await page.reload();
      expect(await page.locator('#new-api-key').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
