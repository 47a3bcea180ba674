import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { loadCalendar } from '../../db/calendars.js';
import { findReview } from '../../db/reviews.js';
import { createCalendar, localDateOf } from '../../domain/working-time.js';
import { endRecompute } from '../support/recompute.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await endRecompute(app.taskQueue);
  await browser?.close();
  await app?.stop();
});

describe('admin in a browser', () => {
  it('when an admin makes the day open reviews are due a holiday, then the preview shows them moving later before saving, and saving moves them', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '日历预览' }));
    expect(submitted.status).toBe(201);
    const calendar = createCalendar((await loadCalendar(app.database.db))!.spec);
    const day = localDateOf(new Date(submitted.body.dueAt as string), calendar);
    const year = day.slice(0, 4);
    const admin = await app.addStaff('admin');

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/login?next=/admin/calendar`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/admin\/calendar/);

    // Open the day from the year view, as an admin would.
    await page.goto(`${app.url}/admin/calendar?year=${year}`);
    await page.click(`td[data-date="${day}"] a`);
    await expect.poll(() => page.inputValue('#exception-form input[name=date]')).toBe(day);
    await page.selectOption('#exception-form select[name=kind]', 'holiday');
    await page.fill('#exception-form input[name=name]', '临时假日');
    await page.fill('#exception-form input[name=nameEn]', 'Extra holiday');

    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    await page.click('#preview-exception');
    await expect.poll(() => page.locator('#calendar-preview-exception [data-impact="later"]').textContent(), { timeout: 20_000 }).toBe('1');
    expect(await page.locator('#calendar-preview-exception [data-impact="open"]').textContent()).toBe('1');
    expect(await page.locator(`#calendar-preview-exception tr[data-review-id="${submitted.body.id}"]`).count()).toBe(1);
    // The preview came without a reload: nothing was saved yet.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    expect((await loadCalendar(app.database.db))!.spec.holidays).not.toContain(day);

    await page.click('#save-exception');
    await expect.poll(() => page.locator('#flash.ok').textContent()).toContain('已保存');
    expect(new URL(page.url()).pathname).toBe('/admin/calendar');
    await expect.poll(() => page.locator(`td[data-date="${day}"]`).getAttribute('class')).toBe('holiday');
    await expect
      .poll(async () => (await findReview(app.database.db, submitted.body.id as string))!.dueAt.getTime(), { timeout: 30_000 })
      .toBeGreaterThan(Date.parse(submitted.body.dueAt as string));
    expect(errors).toEqual([]);
    await page.close();
  });
});
