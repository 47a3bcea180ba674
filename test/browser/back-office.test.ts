import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { signedInPage } from '../support/browser-login.js';
import { launchChromium } from '../support/chromium.js';
import { addContact, startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;
let tenant: TestTenant;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant('浏览器测试租户');
  await addContact(app, tenant.tenant.id, { name: '李雷', email: 'li@example.com', mobile: '+8613800138111', subscriptions: ['voice_template'] });
  await addContact(app, tenant.tenant.id, { name: 'Han Meimei', email: 'han@example.com', mobile: '+8613800138222', language: 'en', subscriptions: ['voice_template'] });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function submit(name: string): Promise<string> {
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name }));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const loggedIn = (role: 'reviewer' | 'supervisor' | 'admin', opts: { javaScript?: boolean } = {}) => signedInPage(app, browser, role, opts);

describe('a reviewer’s day in the browser', () => {
  it('when a reviewer claims and approves, then a message says who was told, the timeline shows the decision and focus is on the message', async () => {
    const id = await submit('认领后通过');
    const { page, errors } = await loggedIn('reviewer');
    await page.goto(`${app.url}/reviews/${id}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.click('#claim');
    await expect.poll(() => page.locator('#review-panel .message').textContent()).toContain('已领取');
    await page.click('#approve');
    await expect.poll(() => page.locator('#review-panel .message').textContent(), { timeout: 20_000 }).toBe('已通过，已通知 2 位联系人');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('message'))).toBe(true);
    await expect.poll(() => page.locator('#timeline').textContent()).toContain('审核通过');
    expect(await page.locator('#review-status').textContent()).toBe('审核通过');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when another reviewer holds the work, then a second reviewer sees who holds it and since when, and no decide buttons', async () => {
    const id = await submit('已被领取');
    const first = await loggedIn('reviewer');
    await first.page.goto(`${app.url}/reviews/${id}`);
    await first.page.click('#claim');
    await expect.poll(() => first.page.locator('#review-panel .message').textContent()).toContain('已领取');
    const second = await loggedIn('reviewer');
    await second.page.goto(`${app.url}/reviews/${id}`);
    const panel = await second.page.locator('#review-panel').textContent();
    expect(panel).toContain(`由 ${first.name} 领取于`);
    expect(panel).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(await second.page.locator('#approve').count()).toBe(0);
    expect(await second.page.locator('#reject').count()).toBe(0);
    await first.page.context().close();
    await second.page.context().close();
  });

  it('when a reviewer decides with the keyboard only, then a, r and n do the work', async () => {
    const approveId = await submit('键盘通过');
    const rejectId = await submit('键盘驳回');
    const { page, errors } = await loggedIn('reviewer');
    await page.goto(`${app.url}/reviews/${approveId}`);
    await page.keyboard.press('a');
    await expect.poll(() => page.locator('#review-status').textContent(), { timeout: 20_000 }).toBe('审核通过');
    await page.goto(`${app.url}/reviews/${rejectId}`);
    await page.keyboard.press('r');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('reasonCode');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.type('变量请用 ${DATE}');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#review-status').textContent(), { timeout: 20_000 }).toBe('已驳回');
    await page.keyboard.press('?');
    expect(await page.locator('#keys-help').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('n');
    await page.waitForURL(/\/(reviews|queue)/);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when JavaScript is off, then claiming and rejecting still work and say what happened', async () => {
    const id = await submit('无脚本驳回');
    const { page } = await loggedIn('reviewer', { javaScript: false });
    await page.goto(`${app.url}/reviews/${id}`);
    await page.click('#claim');
    await expect.poll(() => page.locator('.message.ok').textContent()).toContain('已领取');
    await page.click('#reject');
    expect(await page.locator('.field-error').first().textContent()).toContain('请选择驳回原因');
    await page.fill('textarea[name=reasonText]', '保留我写的说明');
    await page.check('input[name=reasonCode][value=other]');
    await page.fill('textarea[name=reasonText]', '');
    await page.click('#reject');
    expect(await page.locator('.field-error').first().textContent()).toContain('请填写给租户的说明');
    expect(await page.locator('input[name=reasonCode][value=other]').isChecked()).toBe(true);
    await page.fill('textarea[name=reasonText]', '内容需要重写');
    await page.click('#reject');
    await expect.poll(() => page.locator('#review-status').textContent()).toBe('已驳回');
    expect(await page.locator('.message.ok').textContent()).toMatch(/已驳回，已通知 \d+ 位联系人/);
    await page.context().close();
  });

  it('when filters are set, then the URL holds them and they survive the language switch and the back button', async () => {
    await submit('筛选示例');
    const { page, errors } = await loggedIn('reviewer');
    await page.selectOption('select[name=kind]', 'voice_template');
    await page.fill('input[name=q]', '筛选示例');
    await page.click('#queue-filters button[type=submit]');
    await page.waitForURL(/\/queue\?kind=voice_template&q=/);
    await expect.poll(() => page.locator('#queue-rows tr[data-review-id]').count()).toBe(1);
    const filtered = page.url();
    expect(new URL(filtered).search).toBe(`?kind=voice_template&q=${encodeURIComponent('筛选示例')}`);
    await page.click('#lang-switch');
    await page.waitForURL((u) => u.toString() === filtered);
    expect(await page.locator('h1').textContent()).toBe('Review queue');
    expect(await page.inputValue('input[name=q]')).toBe('筛选示例');
    await page.goto(`${app.url}/tenants`);
    await page.goBack();
    await page.waitForURL((u) => u.toString() === filtered);
    expect(await page.inputValue('select[name=kind]')).toBe('voice_template');
    expect(await page.locator('#queue-rows tr[data-review-id]').count()).toBe(1);
    await page.goto(`${app.url}/language/zh-CN?next=/queue`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('when a review is submitted and another is decided, then a second reviewer’s open queue shows it without a reload and keeps the reader’s place', async () => {
    const { page, errors } = await loggedIn('reviewer');
    await page.goto(`${app.url}/queue?q=${encodeURIComponent('实时')}`);
    const decidedId = await submit('实时离开');
    await page.reload();
    await expect.poll(() => page.locator(`#r-${decidedId}`).count()).toBe(1);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
    await page.locator(`#r-${decidedId} a.title`).focus();
    const arriving = await submit('实时到来');
    const other = await loggedIn('reviewer');
    await other.page.goto(`${app.url}/reviews/${decidedId}`);
    await other.page.click('#approve');
    await expect.poll(() => other.page.locator('#review-status').textContent(), { timeout: 20_000 }).toBe('审核通过');
    await expect.poll(() => page.locator(`#r-${arriving}`).count(), { timeout: 40_000, interval: 1000 }).toBe(1);
    await expect.poll(() => page.locator(`#r-${decidedId}`).count(), { timeout: 40_000, interval: 1000 }).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
    expect(errors).toEqual([]);
    await page.context().close();
    await other.page.context().close();
  });

  it('when a supervisor bulk-approves a selection that includes work held by someone else, then each item’s result is shown', async () => {
    const free1 = await submit('批量一');
    const free2 = await submit('批量二');
    const held = await submit('批量被占');
    const holder = await loggedIn('reviewer');
    await holder.page.goto(`${app.url}/reviews/${held}`);
    await holder.page.click('#claim');
    await expect.poll(() => holder.page.locator('#review-panel .message').textContent()).toContain('已领取');
    const { page, errors } = await loggedIn('reviewer');
    await page.goto(`${app.url}/queue?q=${encodeURIComponent('批量')}`);
    for (const id of [free1, free2, held]) await page.check(`#r-${id} input[name=ids]`);
    await page.click('#bulk-bar button[value=approved]');
    await page.waitForURL(/\/bulk\//);
    await expect.poll(() => page.locator('#bulk-progress').textContent(), { timeout: 30_000 }).toContain('已完成');
    const text = await page.locator('#bulk-progress').textContent();
    expect(text).toContain('已处理 3/3：成功 2，未处理 1');
    expect(text).toContain('该审核已分配给他人');
    expect(errors).toEqual([]);
    await page.context().close();
    await holder.page.context().close();
  });
});
