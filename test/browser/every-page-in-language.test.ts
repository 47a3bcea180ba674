import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { loadDemoData } from '../../scripts/demo-data.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { untranslated } from '../support/untranslated.js';
import { UUID_TEXT } from '../../domain/ids.js';

/**
 * Every page an admin can reach, found by following links from the queue and the menus, read in
 * Chromium in both languages: the Chinese pages hold no English sentence, raw code or message
 * key; the English pages no raw code or message key. The data is the demo data, loaded through
 * the tenant API as `npm start` loads it, so every kind and state is on some page.
 */

let app: TestApp;
let browser: Browser;
let dataDir: string;
let admin: { email: string; password: string };

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-demo-'));
  const logins = await loadDemoData(app.web.deps, dataDir, app.url);
  const found = logins.staff.find((s) => s.role === 'admin');
  if (!found) throw new Error('the demo data has no admin');
  admin = found;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

/** Links not to follow: they change state, leave the back office, or answer with a file. */
const SKIP = [/^\/logout/, /^\/language\//, /^\/files\//, /^\/static\//, /^\/metrics/, /^\/api\//, /export|download|\.csv|\/results/];

/** Ids in a path become one pattern, so a crawl visits a few of each kind of page, not every review. */
const patternOf = (href: string) =>
  href
    .split('?')[0]!
    .replace(new RegExp(UUID_TEXT, 'g'), ':id')
    .replace(/\/\d+(?=\/|$)/g, '/:n');

/** The pages reachable by links, each read by `read` as it is first opened. */
async function crawl(page: Page, base: string, perPattern: number, read: (href: string) => Promise<void>): Promise<string[]> {
  const seen = new Set<string>();
  const perPatternCount = new Map<string, number>();
  const queue = ['/queue', '/queue?status=all', '/tenants', '/dashboard', '/statistics', '/audit', '/outbox', '/admin/rules', '/admin/calendar', '/admin/templates', '/admin/staff', '/account/password', '/dev/mailbox', '/dev/sms'];
  const visited: string[] = [];
  while (queue.length > 0 && visited.length < 250) {
    const href = queue.shift()!;
    if (seen.has(href)) continue;
    seen.add(href);
    const pattern = patternOf(href);
    const count = perPatternCount.get(pattern) ?? 0;
    // Review pages differ by kind and state, so all of the demo's are read; other pages a few of each.
    if (count >= (pattern === '/reviews/:id' ? 40 : perPattern)) continue;
    const probe = await page.request.get(`${base}${href}`, { maxRedirects: 0 });
    if (probe.status() !== 200 || !(probe.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    perPatternCount.set(pattern, count + 1);
    visited.push(href);
    await page.goto(`${base}${href}`);
    await read(href);
    const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const link of links) if (!SKIP.some((re) => re.test(link)) && !seen.has(link)) queue.push(link);
  }
  return visited;
}

/** What a person reads on the page: its text, and the words in attributes and form controls. */
const readable = (page: Page) =>
  page.evaluate(() => {
    // Text marked as written in the other language (a message as sent to an English-speaking
    // contact, an English template being edited) is content, not the page's wording.
    let body = document.body.innerText;
    const pageLang = document.documentElement.lang;
    for (const el of document.body.querySelectorAll<HTMLElement>('[lang]')) {
      if (el.lang !== pageLang && el.closest('[lang]') === el) body = body.replace(el.innerText, ' ');
    }
    const parts = [document.title, body];
    for (const el of document.querySelectorAll('[placeholder],[aria-label],[title],[alt],option,input[type=submit],input[type=button]')) {
      if ((el.closest('[lang]') as HTMLElement | null)?.lang !== pageLang) continue;
      for (const attr of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
        const v = el.getAttribute(attr);
        if (v && (attr !== 'value' || (el.tagName === 'INPUT' && ['submit', 'button'].includes((el as HTMLInputElement).type)))) parts.push(v);
      }
      if (el.tagName === 'OPTION') parts.push(el.textContent ?? '');
    }
    return parts.join('\n');
  });

describe('every page in the reader’s language', () => {
  // Every page twice in Chromium, with the other lane of the suite running beside it: minutes, not the default two.
  it('when an admin opens every page reachable from the menus in Chinese and then in English, then no page shows English sentences in Chinese, raw codes or message keys', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/login`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/queue/);

    // The crawl reads each page in Chinese as it finds it; English is a second pass over the same pages.
    const problems = new Set<string>();
    const check = async (href: string, lang: 'zh-CN' | 'en') => {
      for (const p of untranslated(await readable(page), lang)) problems.add(`${lang} ${patternOf(href)}: ${p}`);
    };
    await page.goto(`${app.url}/language/zh-CN?next=/queue`);
    const pages = await crawl(page, app.url, 3, (href) => check(href, 'zh-CN'));
    // Every kind's review page and the admin pages were reached, or the crawl proves little.
    expect(pages.filter((p) => p.startsWith('/reviews/')).length).toBeGreaterThanOrEqual(15);
    for (const must of ['/admin/rules/', '/tenants/', '/outbox/', '/admin/staff/', '/number-batches/']) expect(pages.some((p) => p.startsWith(must)), must).toBe(true);

    await page.goto(`${app.url}/language/en?next=/queue`);
    for (const href of pages) {
      await page.goto(`${app.url}${href}`);
      await check(href, 'en');
    }
    expect([...problems]).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
