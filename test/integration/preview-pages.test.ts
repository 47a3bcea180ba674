import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleSetInForce } from '../../db/rule-sets.js';
import { BackOfficeSession } from '../support/back-office.js';
import { impactOf, ruleFormBody } from '../support/rules.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let admin: BackOfficeSession;
const submitted: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  const tenant = await app.addTenant();
  for (let i = 0; i < 25; i += 1) {
    const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `分页预览${i}` }));
    expect(res.status).toBe(201);
    submitted.push(res.body.id as string);
  }
  const a = await app.addStaff('admin');
  admin = new BackOfficeSession(app.url);
  await admin.login(a.email, a.password);
});

afterAll(async () => {
  await app?.stop();
});

const rowIds = (html: string) => [...html.matchAll(/<tr data-review-id="([^"]+)"/g)].map((m) => m[1]!);
const unescape = (href: string) => href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
const link = (html: string, rel: 'next' | 'prev') => {
  const href = new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(html)?.[1];
  return href ? unescape(href).replace(/#.*$/, '') : undefined;
};

describe('a preview lists every review it moves', () => {
  it('when 25 open reviews move under a new deadline, then the preview restates the change and lists 20 on its first page and the other 5 on the next, the form kept, without a script', async () => {
    await admin.get('/admin/rules/voice_template');
    const rules = structuredClone((await ruleSetInForce(app.database.db, 'voice_template')).rules);
    rules.deadlines.review = { type: 'working_minutes', minutes: 90 };
    const first = await admin.postRaw('/admin/rules/voice_template/preview', ruleFormBody('voice_template', rules, admin.csrf, 'ninety minutes'));
    expect(first.status, first.html).toBe(200);
    // The whole page, the preview inside the form right above its buttons, what was typed kept.
    const form = first.html.slice(first.html.indexOf('<form method="post" action="/admin/rules/voice_template"'));
    expect(form.indexOf('id="rules-preview"')).toBeLessThan(form.indexOf('id="preview-rules"'));
    expect(form.indexOf('id="rules-preview"')).toBeGreaterThan(form.indexOf('name="atRiskPercent"'));
    expect(first.html).toContain('value="ninety minutes"');
    expect(first.html).toMatch(/id="rules-preview-changes"[\s\S]*?<td class="after">[^<]*90/);
    expect(impactOf(first.html).open).toBe(25);
    expect(first.html).toContain('受影响的审核（共 25 条）');
    const pageOne = rowIds(first.html);
    expect(pageOne).toHaveLength(20);
    expect(first.html).not.toContain('rel="prev"');

    const next = link(first.html, 'next');
    expect(next).toMatch(/^\/admin\/rules\/voice_template\/preview\?/);
    expect(next).not.toContain('_csrf');
    const second = await admin.get(next!);
    expect(second.status, second.html).toBe(200);
    expect(second.html).toContain('value="ninety minutes"');
    const pageTwo = rowIds(second.html);
    expect(pageTwo).toHaveLength(5);
    expect(new Set([...pageOne, ...pageTwo])).toEqual(new Set(submitted));
    expect(second.html).not.toContain('rel="next"');
    expect(link(second.html, 'prev')).toMatch(/page=1/);

    // With htmx, a page is the preview alone.
    const fragment = await admin.get(next!, { 'HX-Request': 'true' });
    expect(fragment.html.trimStart()).toMatch(/^<section class="card preview" id="rules-preview"/);
    expect(rowIds(fragment.html)).toEqual(pageTwo);
  });

  it('when an admin previews making a working day a holiday, then the preview says the day goes from an ordinary day to a holiday, named in the reader’s language', async () => {
    await admin.get('/admin/calendar?year=2026');
    const res = await admin.post('/admin/calendar/preview', { op: 'exception', year: '2026', date: '2026-12-15', kind: 'holiday', name: '测试假日', nameEn: 'Test holiday' });
    expect(res.status, res.html).toBe(200);
    const slot = res.html.slice(res.html.indexOf('id="calendar-preview-exception"'));
    expect(slot).toMatch(/data-change="2026-12-15"[\s\S]*?<td class="before">普通日（按星期）<\/td>[\s\S]*?<td class="after">节假日 · 测试假日<\/td>/);
    // Beside the form that asked: before its buttons, after its fields.
    expect(slot.indexOf('id="preview-exception"')).toBeGreaterThan(0);
    expect(res.html).toContain('value="测试假日"');

  });

  it('when a preview page is opened with no form in its address, then it goes back to the editor', async () => {
    const res = await admin.get('/admin/rules/voice_template/preview?page=2');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/admin/rules/voice_template');
  });
});
