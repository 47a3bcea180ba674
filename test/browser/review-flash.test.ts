import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import type { Language } from '../../domain/labels.js';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
let tenant: TestTenant;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  tenant = await app.addTenant();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const WORDS = {
  'zh-CN': { approved: /已通过，已通知 \d+ 位联系人/, claimed: '已领取', deleted: '视图已删除。' },
  en: { approved: /Approved; \d+ contacts told/, claimed: 'Claimed', deleted: 'The view is deleted.' },
} as const;

describe.each(['zh-CN', 'en'] as Language[])('review page and views say what was done in the flash (%s)', (lang) => {
  const words = WORDS[lang];

  it('when a review is claimed and approved without a script, then the page after each says so once at the top, and its address keeps the view it came from and nothing else', async () => {
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: lang === 'en' ? '闪存英文' : '闪存中文' }));
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const view = `/queue?kind=voice_template&tenant=${tenant.tenant.id}`;
    const { page } = await signedInPage(app, browser, 'supervisor', { lang, javaScript: false });
    await page.goto(`${app.url}/reviews/${id}?from=${encodeURIComponent(view)}`);

    await page.click('#claim');
    await page.waitForURL((u) => u.pathname === `/reviews/${id}` && u.searchParams.get('from') === view);
    expect(await page.locator('#flash').textContent()).toContain(words.claimed);

    await page.click('#approve');
    await page.waitForURL((u) => u.pathname === `/reviews/${id}` && !u.searchParams.has('done'));
    const url = new URL(page.url());
    expect([...url.searchParams.keys()]).toEqual(['from']);
    expect(url.searchParams.get('from')).toBe(view);
    expect(await page.locator('#flash').textContent()).toMatch(words.approved);
    // The back link still leads to the view, at this review's row.
    expect(await page.locator(`a[href^="${view}"]`).count()).toBeGreaterThan(0);

    await page.reload();
    expect(await page.locator('#flash').count()).toBe(0);
    await page.context().close();
  });

  it('when a saved view is deleted, then the list says so once, at an address without a flag', async () => {
    const { page, errors } = await signedInPage(app, browser, 'reviewer', { lang });
    await page.goto(`${app.url}/queue/views?from=${encodeURIComponent('/queue?kind=audio_file')}`);
    await page.fill('#view-save input[name=name]', lang === 'en' ? 'to delete' : '要删除的');
    await page.click('#view-save button[type=submit]');
    await page.waitForURL(/\/queue\?/);
    await page.goto(`${app.url}/queue/views`);
    await page.click('a[href$="/delete"]');
    await page.click('#confirm-delete');
    await page.waitForURL((u) => u.pathname === '/queue/views');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('#flash').textContent()).toContain(words.deleted);
    await page.reload();
    expect(await page.locator('#flash').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
