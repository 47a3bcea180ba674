import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { type Browser } from 'playwright-core';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { startTestApp, submitTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
// A 2-second heartbeat: the test waits for beats, and the default 12 s would make each language wait two of them.
beforeAll(async () => void ([app, browser] = await Promise.all([startTestApp({ env: { PRESENCE_HEARTBEAT_SECONDS: '2' } }), launchChromium()])));
afterAll(async () => void (await Promise.all([browser?.close(), app?.stop()])));

const NOTES = {
  'zh-CN': { added: '备注已添加，已通过邮件提醒 1 位同事。', label: '内部备注', told: '已提醒：' },
  en: { added: 'Note added; 1 colleagues are being e-mailed.', label: 'Internal note', told: 'Told: ' },
} as const;

describe('internal notes in a browser', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    for (const javaScript of [true, false]) {
      it(`when a reviewer reading ${lang} ${javaScript ? 'with' : 'without'} JavaScript writes a note naming a colleague, then the review page says so and the note stands in the timeline, escaped, with its author`, async () => {
        const t = await app.addTenant();
        const id = await submitTemplate(app, t, `浏览器备注${lang === 'en' ? 'en' : 'zh'}${javaScript ? 'js' : 'nojs'}`);
        const colleague = await app.addStaff('supervisor');
        const { page, name, errors } = await signedInPage(app, browser, 'reviewer', { javaScript });
        const from = '/queue?status=all';
        await page.goto(`${app.url}/language/${lang}?next=${encodeURIComponent(`/reviews/${id}?from=${encodeURIComponent(from)}`)}`);
        await page.click('#note-add');
        // The browser refuses an empty box itself; the page did not move.
        expect(page.url()).toContain(`/reviews/${id}`);
        await page.fill('#note-form textarea[name=body]', `<script>window.pwned=1</script> @${colleague.email} 请复核`);
        await page.click('#note-add');
        await page.waitForURL(/#note-[0-9a-f-]{36}$/);
        expect(new URL(page.url()).searchParams.get('from')).toBe(from);
        expect(await page.locator('#flash p').first().textContent()).toBe(NOTES[lang].added);
        const noteId = page.url().split('#note-')[1];
        const item = page.locator(`#note-${noteId}`);
        expect(await item.locator('.what').textContent()).toBe(NOTES[lang].label);
        expect(await item.locator('.who').textContent()).toBe(name);
        expect(await item.textContent()).toContain('<script>window.pwned=1</script>');
        expect(await item.textContent()).toContain(`${NOTES[lang].told}${colleague.name}`);
        expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
        await page.reload();
        expect(await page.locator('#flash').count()).toBe(0);
        expect(await page.locator(`#note-${noteId}`).count()).toBe(1);
        expect(errors).toEqual([]);
        await page.context().close();
      });
    }
  }
});

const PRESENCE = {
  'zh-CN': { viewing: (n: string) => `${n} 正在查看`, deciding: (n: string) => `${n} 正在填写审核决定` },
  en: { viewing: (n: string) => `${n} is viewing`, deciding: (n: string) => `${n} is editing a decision` },
} as const;

describe('presence in a browser', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`when two reviewers reading ${lang} open one review and one starts a decision, then each sees the other, and what they are doing, within a heartbeat; a page without a script shows them too`, async () => {
      const t = await app.addTenant();
      const id = await submitTemplate(app, t, `在场浏览器${lang === 'en' ? 'en' : 'zh'}`);
      const li = await signedInPage(app, browser, 'reviewer');
      const wang = await signedInPage(app, browser, 'reviewer');
      for (const p of [li, wang]) await p.page.goto(`${app.url}/language/${lang}?next=${encodeURIComponent('/queue')}`);
      await li.page.goto(`${app.url}/reviews/${id}`);
      await expect.poll(async () => (await app.database.db.execute(sql`select 1 from review_presence where review_id = ${id}`)).length).toBe(1);
      await wang.page.goto(`${app.url}/reviews/${id}`);
      await expect.poll(() => wang.page.locator('#presence-list').textContent(), { timeout: 5_000 }).toContain(PRESENCE[lang].viewing(li.name));
      await expect.poll(() => li.page.locator('#presence-list').textContent(), { timeout: 10_000 }).toContain(PRESENCE[lang].viewing(wang.name));

      await wang.page.focus('#reject-form textarea[name=reasonText]');
      await expect.poll(() => li.page.locator('#presence-list').textContent(), { timeout: 10_000 }).toContain(PRESENCE[lang].deciding(wang.name));
      expect(await wang.page.locator('#presence-list').textContent()).not.toContain(wang.name);

      const plain = await signedInPage(app, browser, 'auditor', { javaScript: false });
      await plain.page.goto(`${app.url}/language/${lang}?next=${encodeURIComponent(`/reviews/${id}`)}`);
      const shown = await plain.page.locator('#presence-list').textContent();
      expect(shown).toContain(li.name);
      expect(shown).toContain(PRESENCE[lang].deciding(wang.name));
      expect(li.errors).toEqual([]);
      expect(wang.errors).toEqual([]);
      for (const p of [li, wang, plain]) await p.page.context().close();
    });
  }
});
