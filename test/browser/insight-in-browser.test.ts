import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { auditLog } from '../../db/schema.js';
import { dayIn } from '../../domain/reporting-period.js';
import type { ReviewKind, SlaState } from '../../domain/review.js';
import { insertFixtures, type FixtureReview } from '../support/insight-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
let supervisor: { email: string; password: string };

const H = 3_600_000;
/** Set to a folder to keep screenshots of each page (for looking at the layout by eye). */
const SHOTS = process.env.INSIGHT_SCREENSHOTS;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
  supervisor = await app.addStaff('supervisor');
  const reviewer = await app.addStaff('reviewer');
  const tenant = await app.addTenant('浏览器租户');
  const today0 = new Date(`${dayIn(new Date(), 'Asia/Shanghai')}T00:00:00+08:00`);
  const t = (h: number) => new Date(today0.getTime() + h * H);
  const kinds: ReviewKind[] = ['voice_template', 'audio_file', 'service_activation', 'enterprise_qualification'];
  const slas: SlaState[] = ['on_track', 'at_risk', 'breached'];
  const fixtures: FixtureReview[] = [];
  for (let i = 0; i < 24; i++) {
    const kind = kinds[i % kinds.length]!;
    const decided = i % 3 === 0;
    fixtures.push({
      key: `r${i}`,
      kind,
      tenantId: tenant.tenant.id,
      status: decided ? 'approved' : 'pending',
      dueAt: t(6),
      sla: decided ? 'on_track' : slas[i % 3],
      events: [{ type: 'submitted', at: t(-24 * (i % 20)) }, ...(decided ? [{ type: 'approved' as const, at: t(-24 * (i % 5) + 2 + (i % 7)), by: reviewer, dueAt: t(-24 * (i % 5) + 6) }] : [])],
    });
  }
  await insertFixtures(app.database.db, fixtures);
  await app.database.db.insert(auditLog).values(
    Array.from({ length: 60 }, (_, i) => ({
      at: new Date(Date.now() - (60 - i) * 60_000),
      actorType: 'staff' as const,
      actorId: null,
      actorLabel: 'Li Lei',
      action: i % 2 ? 'review.approve' : 'rule.change',
      objectType: i % 2 ? 'review' : 'deadline_rule',
      objectId: i % 2 ? null : 'voice_template',
      details: i % 2 ? { kind: 'voice_template', round: 1 } : { kind: 'voice_template', before: { type: 'working_minutes', minutes: 540 }, after: { type: 'working_minutes', minutes: 480 } },
    })),
  );
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function signedIn(javaScriptEnabled = true): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Script errors and refused content (CSP); a 422 answer or the browser's own favicon request is not one.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() === 404 && !r.url().endsWith('/favicon.ico')) errors.push(`404 ${r.url()}`);
  });
  await page.goto(`${app.url}/login`);
  await page.fill('input[name=email]', supervisor.email);
  await page.fill('input[name=password]', supervisor.password);
  await page.click('button[type=submit].primary');
  await page.waitForURL(/\/queue/);
  return { page, errors };
}

const shot = async (page: Page, name: string, fullPage = true) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
};

describe('insight pages in a browser', () => {
  it('when a supervisor follows the links and changes the period, then htmx swaps the figures in place and the address follows', async () => {
    const { page, errors } = await signedIn();
    await page.click('header nav a[href="/dashboard"]');
    await page.waitForURL(/\/dashboard$/);
    await expect.poll(() => page.locator('svg[aria-labelledby^="backlog-chart"]').count()).toBe(1);
    await shot(page, 'dashboard');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.selectOption('select[name=period]', 'last30');
    await page.click('#dashboard-body form button[type=submit]');
    await page.waitForURL(/period=last30/);
    // Swapped in place: the page was not reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(await page.locator('[data-figure="decided"]').textContent()).toBe('8');
    expect(errors).toEqual([]);
  });

  it('when the statistics period is too long, then the refusal appears beside the end date with the typed dates kept, without a reload', async () => {
    const { page, errors } = await signedIn();
    await page.goto(`${app.url}/statistics`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.fill('input[name=from]', '2025-01-01');
    await page.fill('input[name=to]', '2025-12-31');
    await page.click('#statistics-body form.filters button[type=submit]');
    await expect.poll(() => page.locator('#to-error').count()).toBe(1);
    expect(await page.locator('#to-error').textContent()).toContain('2025年6月30日');
    expect(await page.inputValue('input[name=to]')).toBe('2025-12-31');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await page.fill('input[name=to]', '2025-06-30');
    await page.click('#statistics-body form.filters button[type=submit]');
    await expect.poll(() => page.locator('#to-error').count()).toBe(0);
    await page.goto(`${app.url}/statistics`);
    await shot(page, 'statistics');
    expect(errors).toEqual([]);
  });

  it('when the audit log’s older entries are asked for, then they are appended below without a reload', async () => {
    const { page, errors } = await signedIn();
    await page.goto(`${app.url}/audit`);
    await shot(page, 'audit', false);
    const before = await page.locator('tr[data-audit-id]').count();
    expect(before).toBe(50);
    await page.click('tr.more a');
    await expect.poll(() => page.locator('tr[data-audit-id]').count()).toBeGreaterThan(50);
    expect(await page.locator('tr.more').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('when JavaScript is off, then the filter forms still work and an export downloads', async () => {
    const { page } = await signedIn(false);
    await page.goto(`${app.url}/statistics`);
    await page.fill('input[name=tenant]', '浏览器租户');
    await page.click('#statistics-body form.filters button[type=submit]');
    await page.waitForURL(/tenant=/);
    expect(Number(await page.locator('[data-figure="submitted"]').textContent())).toBeGreaterThan(0);
    const download = page.waitForEvent('download');
    await page.click('form.exports button[value="csv-daily"]');
    expect((await download).suggestedFilename()).toMatch(/^statistics-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d-daily\.csv$/);
    await page.goto(`${app.url}/audit`);
    await page.selectOption('select[name=action]', 'rule.change');
    await page.click('#audit-body form.filters button[type=submit]');
    await page.waitForURL(/action=rule\.change/);
    expect(await page.locator('tr[data-audit-id]').count()).toBe(30);
  });
});
