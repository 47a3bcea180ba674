/**
 * Screenshots of back-office pages in both languages, for looking at what people see:
 *   npx tsx scripts/screenshots.ts <base-url> <email> <password> [out-dir] [width] [paths…]
 * Without paths it visits the queue and the pages linked from it (the first review of each kind,
 * the tenants, outbox and admin pages the login may open).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

async function main(): Promise<void> {
  const [base, email, password, outDir = 'screenshots', widthArg = '1280', ...paths] = process.argv.slice(2);
  if (!base || !email || !password) throw new Error('usage: screenshots.ts <base-url> <email> <password> [out-dir] [width] [paths…]');
  const width = Number(widthArg);
  await fs.mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/queue/);
    let targets = paths;
    if (targets.length === 0) {
      const links = await page.$$eval('a[href^="/reviews/"]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      const nav = await page.$$eval('header a[href^="/"]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      targets = ['/queue', ...new Set(links.slice(0, 6)), ...new Set(nav.filter((h) => !h.startsWith('/language')))];
    }
    for (const lang of ['zh-CN', 'en'] as const) {
      await page.goto(`${base}/language/${lang}?next=/queue`);
      for (const target of [...new Set(targets)]) {
        await page.goto(`${base}${target}`);
        const name = `${lang}-${width}-${target.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'root'}.png`;
        await page.screenshot({ path: path.join(outDir, name), fullPage: true });
        process.stdout.write(`${name}\n`);
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
