import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('reviewer in a browser', () => {
  it('when a reviewer logs in, opens the queue and approves a template, then the status changes without a reload', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '浏览器审核' }));
    expect(submitted.status).toBe(201);
    const reviewer = await app.addStaff('reviewer');

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/queue`);
    await expect.poll(() => page.url()).toContain('/login');
    await page.fill('input[name=email]', reviewer.email);
    await page.fill('input[name=password]', reviewer.password);
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/queue/);

    await page.click(`tr[data-review-id="${submitted.body.id}"] a`);
    await page.waitForURL(new RegExp(`/reviews/${submitted.body.id}`));
    await expect.poll(() => page.locator('#review-status').textContent()).toBe('待审');

    // Mark the document: a full reload would lose this marker, an htmx swap keeps it.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.click('#approve');
    await expect.poll(() => page.locator('#review-status').textContent(), { timeout: 20_000 }).toBe('审核通过');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(errors).toEqual([]);

    const api = await app.api(tenant, 'GET', `/reviews/${submitted.body.id}`);
    expect(api.body.status).toBe('approved');
    await page.close();
  });
});
