import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import type { Language } from '../../domain/labels.js';
import { dayIn } from '../../domain/reporting-period.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
const submitted: string[] = [];
let decider: { id: string; name: string };

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  const tenant = await app.addTenant();
  for (const name of ['图表一', '图表二']) {
    const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name }));
    expect(res.status).toBe(201);
    submitted.push(res.body.id as string);
  }
  // One of the two decided today, by a supervisor of its own.
  const member = await app.addStaff('supervisor');
  decider = member;
  const session = new BackOfficeSession(app.url);
  await session.login(member.email, member.password);
  expect((await decideInBackOffice(session, submitted[0]!, { outcome: 'approved' })).status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe.each(['zh-CN', 'en'] as Language[])('chart bars lead to the reviews they count (%s)', (lang) => {
  it('when a reader clicks a day’s bar in the submissions chart, then the queue opens filtered to that day and kind, listing the reviews submitted then', async () => {
    const today = dayIn(new Date(), 'Asia/Shanghai');
    const { page, errors } = await signedInPage(app, browser, 'supervisor', { lang });
    await page.goto(`${app.url}/statistics?kind=voice_template&from=${today}&to=${today}`);
    const bar = page.locator(`svg[aria-labelledby^="submitted-chart"] a[href*="from=${today}"]`);
    expect(await bar.count()).toBe(1);
    await bar.locator('rect').click();
    await page.waitForURL(/\/queue\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ status: 'all', kind: 'voice_template', from: today, to: today });
    const rows = await page.locator('#queue-rows > tr[data-review-id]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.reviewId));
    expect(rows.sort()).toEqual([...submitted].sort());
    // The queue's own filter form shows the day, so the reader can see and widen it.
    expect(await page.inputValue('input[type=date][name=from]')).toBe(today);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when a reader clicks a day’s decisions bar or a reviewer’s bar, then the queue opens at the reviews decided that day, or decided by that reviewer in the period', async () => {
    const today = dayIn(new Date(), 'Asia/Shanghai');
    const { page, errors } = await signedInPage(app, browser, 'supervisor', { lang });
    await page.goto(`${app.url}/statistics?kind=voice_template&from=${today}&to=${today}`);
    const rowsShown = () => page.locator('#queue-rows > tr[data-review-id]').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.reviewId));

    await expect.poll(() => page.locator('svg[aria-labelledby^="decided-chart"] a').count(), { timeout: 20_000 }).toBe(1);
    await page.locator('svg[aria-labelledby^="decided-chart"] a rect').click();
    await page.waitForURL(/\/queue\?/);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ status: 'all', kind: 'voice_template', decidedFrom: today, decidedTo: today });
    expect(await rowsShown()).toEqual([submitted[0]]);
    expect(await page.inputValue('input[name=decidedFrom]')).toBe(today);

    await page.goto(`${app.url}/statistics?kind=voice_template&from=${today}&to=${today}`);
    await page.locator(`svg[aria-labelledby^="statistics-throughput"] a[href*="decider=${decider.id}"] rect`).first().click();
    await page.waitForURL(/decider=/);
    expect(await rowsShown()).toEqual([submitted[0]]);
    expect(await page.locator('select[name=decider] option:checked').textContent()).toBe(decider.name);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
