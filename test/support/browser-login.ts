import type { Browser, Page } from 'playwright-core';
import type { Language } from '../../domain/labels.js';
import type { Role } from '../../domain/review.js';
import type { TestApp } from './test-app.js';

/**
 * A new staff member of this role signed in in a fresh browser context, with the page's script
 * errors collected (a 4xx the page asked for is an answer, not an error).
 */
export async function signedInPage(app: TestApp, browser: Browser, role: Role, opts: { javaScript?: boolean; lang?: Language } = {}): Promise<{ page: Page; name: string; errors: string[] }> {
  const member = await app.addStaff(role);
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScript ?? true, viewport: { width: 1280, height: 900 } });
  // The language switch's cookie, as a reader who chose a language has it.
  if (opts.lang) await context.addCookies([{ name: 'vrd_lang', value: opts.lang, url: app.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  await page.goto(`${app.url}/login`);
  await page.fill('input[name=email]', member.email);
  await page.fill('input[name=password]', member.password);
  await page.click('button[type=submit].primary');
  await page.waitForURL(/\/queue/);
  return { page, name: member.name, errors };
}
