import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { loadDemoData } from '../../scripts/demo-data.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
let dataDir: string;
let admin: { email: string; password: string };

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-demo-'));
  const logins = await loadDemoData(app.web.deps, dataDir, app.url);
  admin = logins.staff.find((s) => s.role === 'admin')!;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('shots', async () => {
  for (const width of [1280, 1920]) {
    const context = await browser.newContext({ viewport: { width, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/queue/);
    for (const lang of ['zh-CN', 'en']) {
      await page.goto(`${app.url}/language/${lang}?next=/queue`);
      for (const [name, url] of [['stats', '/statistics'], ['audit', '/audit?actor=%E7%8E%8B'], ['dashboard', '/dashboard']] as const) {
        await page.goto(`${app.url}${url}`);
        await page.screenshot({ path: `/tmp/c-shots/${name}-${lang}-${width}.png`, fullPage: true });
      }
      const review = await page.locator('a[href^="/reviews/"]').first().getAttribute('href');
      await page.goto(`${app.url}/queue?kind=voice_template`);
      const vt = await page.locator('a[href^="/reviews/"]').first().getAttribute('href');
      if (vt) {
        await page.goto(`${app.url}${vt}`);
        await page.screenshot({ path: `/tmp/c-shots/review-${lang}-${width}.png`, fullPage: true });
      }
      void review;
    }
    await context.close();
  }
}, 300_000);
