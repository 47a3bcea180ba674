import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import type { Language } from '../../domain/labels.js';
import { endRecompute } from '../support/recompute.js';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  const tenant = await app.addTenant();
  for (let i = 0; i < 23; i += 1) expect((await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `就近预览${i}` }))).status).toBe(201);
});

afterAll(async () => {
  await endRecompute(app.taskQueue);
  await browser?.close();
  await app?.stop();
});

/** Whether the element's box is (at least partly) inside the window. */
const inView = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
  });

const WORDS = {
  'zh-CN': { moved: '受影响的审核（共 23 条）', next: '下一页', prev: '上一页', ordinary: '普通日（按星期）', holiday: '节假日' },
  en: { moved: 'Reviews the change moves (23)', next: 'Next', prev: 'Previous', ordinary: 'ordinary day (by weekday)', holiday: 'holiday' },
} as const;

describe.each(['zh-CN', 'en'] as Language[])('previews beside their buttons (%s)', (lang) => {
  const words = WORDS[lang];

  it('when an admin previews a rules change, then the result appears right above Preview and Save, in view, restating the change and paging through every moved review; Save stays in view', async () => {
    const { page, errors } = await signedInPage(app, browser, 'admin', { lang });
    await page.goto(`${app.url}/admin/rules/voice_template`);
    // A long form: the buttons are in view at its top already, on a bar that stays at the bottom.
    expect(await inView(page, '#save-rules')).toBe(true);
    expect(await inView(page, '#preview-rules')).toBe(true);
    await page.selectOption('select[name="review.type"]', 'working_minutes');
    await page.fill('input[name="review.amount"]', '75');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 3));
    await page.click('#preview-rules');
    await expect.poll(() => page.locator('#rules-preview [data-impact="open"]').textContent(), { timeout: 20_000 }).toBe('23');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(3);
    expect(await page.locator('#rules-preview').textContent()).toContain(words.moved);
    expect(await page.locator('#rules-preview-changes .after').first().textContent()).toMatch(/75/);
    // Inside the form, right before the bar holding the buttons, and scrolled to.
    expect(await page.locator('#rules-form > #rules-preview + #rules-actions #preview-rules').count()).toBe(1);
    await expect.poll(() => inView(page, '#rules-preview')).toBe(true);
    expect(await inView(page, '#save-rules')).toBe(true);
    expect(await page.locator('#rules-preview tr[data-review-id]').count()).toBe(20);

    await page.click(`#rules-preview a[rel=next]`);
    await expect.poll(() => page.locator('#rules-preview tr[data-review-id]').count()).toBe(3);
    expect(await page.locator('#rules-preview a[rel=prev]').textContent()).toContain(words.prev);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(3);
    // The form still holds what was typed, and saving is one click away.
    expect(await page.inputValue('input[name="review.amount"]')).toBe('75');
    expect(await inView(page, '#save-rules')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when the browser runs no script, then Preview answers the whole page with the preview beside the buttons, what was typed kept, and its pages are links', async () => {
    const { page } = await signedInPage(app, browser, 'admin', { lang, javaScript: false });
    await page.goto(`${app.url}/admin/rules/voice_template`);
    await page.selectOption('select[name="review.type"]', 'working_minutes');
    await page.fill('input[name="review.amount"]', '80');
    await page.fill('input[name=comment]', 'eighty');
    await page.click('#preview-rules');
    await page.waitForURL(/\/admin\/rules\/voice_template\/preview#rules-preview$/);
    expect(await page.inputValue('input[name="review.amount"]')).toBe('80');
    expect(await page.inputValue('input[name=comment]')).toBe('eighty');
    expect(await page.locator('#rules-form > #rules-preview [data-impact="open"]').textContent()).toBe('23');
    expect(await inView(page, '#rules-preview')).toBe(true);
    await page.click(`#rules-preview a[rel=next]`);
    await page.waitForURL(/\/admin\/rules\/voice_template\/preview\?.*page=2/);
    expect(await page.locator('#rules-preview tr[data-review-id]').count()).toBe(3);
    expect(await page.inputValue('input[name="review.amount"]')).toBe('80');
    expect(await page.inputValue('input[name=comment]')).toBe('eighty');
    await page.context().close();
  });

  it('when an admin previews making a day a holiday on the calendar, then the preview opens inside that form above its buttons, saying the day goes from ordinary to holiday', async () => {
    const { page, errors } = await signedInPage(app, browser, 'admin', { lang });
    await page.goto(`${app.url}/admin/calendar?year=2026&date=2026-12-16#exception-form`);
    await page.fill('#exception-form input[name=name]', '预览假日');
    await page.fill('#exception-form input[name=nameEn]', 'Preview holiday');
    await page.click('#preview-exception');
    await expect.poll(() => page.locator('#exception-form #calendar-preview-exception tr[data-change="2026-12-16"] .before').textContent(), { timeout: 20_000 }).toBe(words.ordinary);
    expect(await page.locator('#calendar-preview-exception tr[data-change="2026-12-16"] .after').textContent()).toBe(`${words.holiday} · ${lang === 'en' ? 'Preview holiday' : '预览假日'}`);
    expect(await page.locator('#calendar-preview-exception + .action-bar #save-exception').count()).toBe(1);
    await expect.poll(() => inView(page, '#calendar-preview-exception')).toBe(true);
    expect(await inView(page, '#save-exception')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
