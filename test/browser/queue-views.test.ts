import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { interleavedTemplates, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
let east: TestTenant;
let west: TestTenant;
/** East's templates in the order they were submitted. */
let eastIds: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  east = await app.addTenant('东区浏览器租户');
  west = await app.addTenant('西区浏览器租户');
  eastIds = await interleavedTemplates(app, east, west, 4);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function loggedIn(opts: { javaScript?: boolean; language?: 'zh-CN' | 'en' } = {}) {
  const signedIn = await signedInPage(app, browser, 'reviewer', opts);
  if (opts.language) await signedIn.page.goto(`${app.url}/language/${opts.language}?next=/queue`);
  return signedIn;
}

const reviewIdOf = (url: string) => /\/reviews\/([0-9a-f-]{36})/.exec(url)?.[1];

describe('working a filtered queue by keyboard', () => {
  it('when a reviewer opens a review from a filtered queue, then n walks that view in its order, deciding keeps it, and q returns to the view at the row', async () => {
    const { page, errors } = await loggedIn();
    const view = `/queue?kind=voice_template&tenant=${east.tenant.id}&sort=submitted`;
    await page.goto(`${app.url}${view}`);
    expect(await page.locator('#queue-rows tr[data-review-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-review-id')))).toEqual(eastIds);

    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => reviewIdOf(u.toString()) === eastIds[0]);

    await page.keyboard.press('n');
    await page.waitForURL((u) => reviewIdOf(u.toString()) === eastIds[1]);
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('#review-status').textContent(), { timeout: 20_000 }).toBe('审核通过');
    await page.keyboard.press('n');
    await page.waitForURL((u) => reviewIdOf(u.toString()) === eastIds[2]);
    expect(new URL(page.url()).searchParams.get('from')).toBe(view);

    await page.keyboard.press('q');
    await page.waitForURL((u) => u.pathname === '/queue' && u.hash === `#r-${eastIds[2]}`);
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(view);
    expect(await page.inputValue('select[name=tenant]')).toBe(east.tenant.id);
    expect(await page.locator(`#r-${eastIds[2]}`).getAttribute('class')).toContain('current');
    // The approved one has left the view; j carries on from the row the reviewer came back to.
    await page.keyboard.press('j');
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.id)).toBe(`r-${eastIds[3]}`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when a column header is clicked (in English), then the queue sorts by it in place, aria-sort follows, and the order stays in the view n and q keep', async () => {
    const { page, errors } = await loggedIn({ language: 'en' });
    await page.goto(`${app.url}/queue?kind=voice_template&tenant=${east.tenant.id}`);
    const submitted = page.locator('th', { hasText: 'Submitted' });
    await submitted.locator('a').click();
    await expect.poll(() => submitted.getAttribute('aria-sort')).toBe('ascending');
    await submitted.locator('a').click();
    await expect.poll(() => submitted.getAttribute('aria-sort')).toBe('descending');
    await page.waitForURL(/sort=submitted&dir=desc/);
    expect(await page.inputValue('select[name=dir]')).toBe('desc');
    const rows = await page.locator('#queue-rows tr[data-review-id]').evaluateAll((trs) => trs.map((r) => r.getAttribute('data-review-id')));
    expect(rows).toEqual([eastIds[3], eastIds[2], eastIds[0]]);

    await page.locator(`#r-${eastIds[3]} a.title`).click();
    await page.waitForURL((u) => reviewIdOf(u.toString()) === eastIds[3]);
    expect(await page.locator('a[data-key-back]').textContent()).toContain('Back to the queue');
    await page.keyboard.press('n');
    await page.waitForURL((u) => reviewIdOf(u.toString()) === eastIds[2]);
    await page.keyboard.press('q');
    await page.waitForURL((u) => u.pathname === '/queue' && u.hash === `#r-${eastIds[2]}`);
    expect(new URL(page.url()).searchParams.get('dir')).toBe('desc');
    expect(await page.locator(`#r-${eastIds[2]}`).getAttribute('class')).toContain('current');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when a reviewer saves the view under a name, then it is a tab with its count, and it opens that view again', async () => {
    const { page, errors } = await loggedIn();
    const view = `/queue?kind=voice_template&tenant=${east.tenant.id}&sort=submitted&dir=desc`;
    await page.goto(`${app.url}${view}`);
    await page.locator('details.view-tools summary').click();
    await page.fill('#view-save input[name=name]', '东区模板');
    await page.click('#view-save button[type=submit]');
    await expect.poll(() => page.locator('#view-saved').textContent()).toContain('东区模板');
    const tab = page.locator('a.saved-view', { hasText: '东区模板' });
    expect(await tab.getAttribute('aria-current')).toBe('page');
    expect(await tab.locator('.count').textContent()).toBe('3');
    await page.goto(`${app.url}/queue`);
    await page.locator('a.saved-view', { hasText: '东区模板' }).click();
    await page.waitForURL((u) => `${u.pathname}${u.search}` === view);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when JavaScript is off, then headers still sort and next and back still keep the view', async () => {
    const { page } = await loggedIn({ javaScript: false });
    const view = `/queue?kind=voice_template&tenant=${east.tenant.id}&sort=submitted`;
    await page.goto(`${app.url}/queue?kind=voice_template&tenant=${east.tenant.id}`);
    await page.locator('th', { hasText: '提交时间' }).locator('a').click();
    await page.waitForURL((u) => `${u.pathname}${u.search}` === view);
    expect(await page.locator('th', { hasText: '提交时间' }).getAttribute('aria-sort')).toBe('ascending');
    await page.locator(`#r-${eastIds[0]} a.title`).click();
    await page.locator('nav.crumbs a.next').click();
    await page.waitForURL((u) => reviewIdOf(u.toString()) === eastIds[2]);
    await page.locator('a[data-key-back]').click();
    await page.waitForURL((u) => u.pathname === '/queue' && u.hash === `#r-${eastIds[2]}`);
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(view);
    await page.context().close();
  });

  // Last: it decides the first of east's templates, which the tests above still count on.
  it('when a review is opened beside the queue, then a decides it, the pane moves on to the next review of the view, the queue drops the decided row, and q closes the pane at its row', async () => {
    const { page, errors } = await loggedIn();
    const view = `/queue?kind=voice_template&tenant=${east.tenant.id}&sort=submitted`;
    await page.goto(`${app.url}${view}`);
    await page.locator(`#r-${eastIds[0]} a.open-beside`).click();
    await expect.poll(() => page.locator('#review-pane.open').getAttribute('data-review-id')).toBe(eastIds[0]);
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(view);
    expect(await page.locator('#queue-rows tr[data-review-id]').count()).toBe(3);

    await page.keyboard.press('a');
    await expect.poll(() => page.locator('#review-pane.open').getAttribute('data-review-id'), { timeout: 20_000 }).toBe(eastIds[2]);
    expect(await page.locator('#review-pane .message.ok').textContent()).toContain('已打开这个视图的下一条。');
    await expect.poll(() => page.locator(`#r-${eastIds[0]}`).count(), { timeout: 20_000 }).toBe(0);
    expect(await page.locator(`#r-${eastIds[2]}`).getAttribute('class')).toContain('current');

    await page.keyboard.press('q');
    expect(await page.locator('#review-pane.open').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.id)).toBe(`r-${eastIds[2]}`);
    expect(`${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe(view);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
