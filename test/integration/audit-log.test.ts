import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema.js';
import { createStaff } from '../../db/staff.js';
import { dayIn, presetPeriods } from '../../domain/reporting-period.js';
import { BackOfficeSession } from '../support/back-office.js';
import { parseCsv, unescapeHtml } from '../support/insight-fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let auditor: BackOfficeSession;
let supervisor: BackOfficeSession;
let admin: BackOfficeSession;
let reviewer: BackOfficeSession;
/** The rows this file wrote, newest first (as the page lists them). */
let written: { id: number; action: string; actorLabel: string; objectType: string; objectId: string | null; at: Date }[];

const REVIEW_ID = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const ACTIONS = ['review.approve', 'review.reject', 'rule.change', 'staff.login'] as const;

async function signIn(role: 'reviewer' | 'supervisor' | 'admin' | 'auditor'): Promise<BackOfficeSession> {
  const m = await app.addStaff(role);
  const s = new BackOfficeSession(app.url);
  await s.login(m.email, m.password);
  return s;
}

const idsIn = (html: string) => [...html.matchAll(/data-audit-id="(\d+)"/g)].map((m) => Number(m[1]));

beforeAll(async () => {
  app = await startTestApp();
  auditor = await signIn('auditor');
  supervisor = await signIn('supervisor');
  admin = await signIn('admin');
  reviewer = await signIn('reviewer');
  // 130 rows across March 2025 (Beijing days), four actions, two actors; then a few special ones.
  const rows = Array.from({ length: 130 }, (_, i) => ({
    at: new Date(Date.UTC(2025, 2, 1, 2) + i * 5 * 3_600_000),
    actorType: 'staff' as const,
    actorId: null,
    actorLabel: i % 3 === 0 ? 'Han Meimei' : 'Li Lei',
    action: ACTIONS[i % 4]!,
    objectType: i % 4 === 2 ? 'deadline_rule' : i % 4 === 3 ? 'staff' : 'review',
    objectId: i % 4 === 2 ? 'voice_template' : i % 4 === 3 ? null : i === 0 ? REVIEW_ID : `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    ip: '10.0.0.7',
    details: i % 4 === 2 ? { kind: 'voice_template', before: { type: 'working_minutes', minutes: 540 }, after: { type: 'working_minutes', minutes: 480 }, rulesVersion: 3 } : { kind: 'voice_template', round: 1 },
  }));
  await app.database.db.insert(auditLog).values(rows);
  await app.database.db.insert(auditLog).values([
    { at: new Date('2025-04-02T02:00:00Z'), actorType: 'system', actorId: null, actorLabel: null, action: 'reason.retire', objectType: 'rejection_reason', objectId: 'content', details: { note: 'handler 110101199003071234 mentioned', password: 'hunter2' } },
    { at: new Date('2025-04-02T03:00:00Z'), actorType: 'staff', actorId: null, actorLabel: '=cmd|/c calc!A1', action: 'staff.login_failed', objectType: 'staff', objectId: null, ip: '10.0.0.9' },
  ]);
  const mine = await app.database.db.select().from(auditLog).orderBy(desc(auditLog.id));
  written = mine.filter((r) => r.at < new Date('2025-05-01')).map((r) => ({ id: r.id, action: r.action, actorLabel: r.actorLabel ?? '', objectType: r.objectType, objectId: r.objectId, at: r.at }));
});

afterAll(async () => {
  await app?.stop();
});

describe('audit log search', () => {
  it('when an action is chosen, then every page is newest first, 50 rows at a time, and the pages together hold exactly the matching rows', async () => {
    const want = written.filter((r) => r.action === 'review.approve').map((r) => r.id);
    expect(want.length).toBeGreaterThan(30);
    const first = await auditor.get('/audit?action=review.approve&from=2025-03-01&to=2025-03-31');
    expect(first.status).toBe(200);
    const page1 = idsIn(first.html);
    expect(page1).toEqual(want.slice(0, Math.min(50, want.length)));
    // All of one action across every page, with "older entries" links followed as htmx does.
    const all = await auditor.get('/audit?from=2025-03-01&to=2025-03-31');
    const seen = idsIn(all.html);
    let next = /<tr class="more"><td colspan="6"><a href="([^"]+)"/.exec(unescapeHtml(all.html))?.[1];
    while (next) {
      const more = await auditor.get(next, { 'HX-Request': 'true' });
      expect(more.html).not.toContain('<html');
      expect(more.html).not.toContain('<thead>');
      seen.push(...idsIn(more.html));
      next = /<tr class="more"><td colspan="6"><a href="([^"]+)"/.exec(unescapeHtml(more.html))?.[1];
    }
    const march = written.filter((r) => r.at >= new Date('2025-02-28T16:00:00Z') && r.at < new Date('2025-03-31T16:00:00Z')).map((r) => r.id);
    expect(seen).toEqual(march);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('when the next page is opened without JavaScript, then it is a whole page of older rows with a way back to the newest', async () => {
    const first = await auditor.get('/audit?actor=li+lei');
    const next = /<tr class="more"><td colspan="6"><a href="([^"]+)"/.exec(unescapeHtml(first.html))?.[1];
    expect(next).toMatch(/^\/audit\?actor=li\+lei&before=\d+$/);
    const page2 = await auditor.get(next!);
    expect(page2.html).toContain('<html');
    expect(page2.html).toContain('回到最新');
    const want = written.filter((r) => r.actorLabel.toLowerCase() === 'li lei').map((r) => r.id);
    expect([...idsIn(first.html), ...idsIn(page2.html)]).toEqual(want.slice(0, 100));
  });

  it('when an object type and id are given, then only that object’s rows are shown, linked to its page', async () => {
    const page = await supervisor.get(`/audit?type=review&object=${REVIEW_ID}`);
    expect(idsIn(page.html)).toEqual(written.filter((r) => r.objectId === REVIEW_ID).map((r) => r.id));
    expect(page.html).toContain(`<a href="/reviews/${REVIEW_ID}"><code lang="zxx">${REVIEW_ID}</code></a>`);
    const rules = await supervisor.get('/audit?type=deadline_rule');
    expect(idsIn(rules.html).length).toBe(Math.min(50, written.filter((r) => r.objectType === 'deadline_rule').length));
  });

  it('when a period is given, then whole Beijing days count; a wrong date is named beside its field and nothing is listed', async () => {
    const oneDay = await auditor.get('/audit?from=2025-03-02&to=2025-03-02');
    const want = written.filter((r) => r.at >= new Date('2025-03-01T16:00:00Z') && r.at < new Date('2025-03-02T16:00:00Z')).map((r) => r.id);
    expect(want.length).toBeGreaterThan(3);
    expect(idsIn(oneDay.html)).toEqual(want);
    const bad = await auditor.get('/audit?from=2025-03-09&to=2025-03-02');
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="audit-to-error" role="alert">结束日期不能早于开始日期</span>');
    expect(bad.html).toContain('value="2025-03-09"');
    expect(idsIn(bad.html)).toEqual([]);
  });

  it('when rows are shown, then actions, objects and details are worded; an unlisted action keeps its code; secrets and ID numbers are hidden', async () => {
    const page = await auditor.get('/audit?from=2025-04-02&to=2025-04-02');
    const html = unescapeHtml(page.html);
    expect(html).toContain('<td data-action>未登记的操作 <code>reason.retire</code></td>');
    expect(html).toContain('未登记的对象类型 <code>rejection_reason</code>');
    expect(html).not.toContain('110101199003071234');
    expect(html).not.toContain('hunter2');
    expect(html).toContain('<dt><code>note</code></dt><dd>handler （已隐藏） mentioned</dd>');
    expect(html).toContain('<td data-action>登录失败</td>');
    const rules = unescapeHtml((await auditor.get('/audit?action=rule.change')).html);
    expect(rules).toContain('<td data-action>修改审核时限规则</td>');
    expect(rules).toMatch(/时限规则\s*· 语音模板\s*<br><code lang="zxx">voice_template<\/code>/);
    expect(rules).toContain('<dt>修改前</dt><dd><dl class="details"><dt>规则</dt><dd>按工作分钟计</dd><dt>工作分钟</dt><dd>540</dd></dl></dd>');
    expect(rules).toContain('<dt>类型</dt><dd>语音模板</dd>');
    const en = new BackOfficeSession(app.url);
    const m = await app.addStaff('auditor');
    await en.login(m.email, m.password);
    en.setCookie('vrd_lang', 'en');
    const english = unescapeHtml((await en.get('/audit?action=rule.change')).html);
    expect(english).toContain('<td data-action>Deadline rule changed</td>');
    expect(english).toMatch(/<time datetime="2025-03-\d\dT[\d:.]+Z">\d{1,2} Mar 2025, \d\d:\d\d<\/time>/);
  });

  it('when exported, then the CSV holds every matching row (beyond one page) with formula-looking text neutralised, and the export is audited', async () => {
    await auditor.get('/audit');
    const res = await auditor.post('/audit/export', { actor: '', action: '', type: '', object: '', from: '2025-03-01', to: '2025-04-30' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?audit-log-\d{4}-\d\d-\d\d\.csv"?$/);
    const [header, ...rows] = parseCsv(res.html);
    expect(header).toEqual(['序号', '时间', '操作人类别', '操作人', '操作', '操作代码', '对象类型', '对象类型代码', '对象编号', '来源地址', '详情']);
    expect(rows.map((r) => Number(r[0]))).toEqual(written.map((r) => r.id));
    const injected = rows.find((r) => r[5] === 'staff.login_failed')!;
    expect(injected[3]).toBe("'=cmd|/c calc!A1");
    expect(injected[1]).toBe('2025-04-02T11:00:00+08:00');
    const retired = rows.find((r) => r[5] === 'reason.retire')!;
    expect(retired[4]).toBe('未登记的操作');
    expect(retired[10]).not.toContain('110101199003071234');
    expect(retired[10]).not.toContain('hunter2');
    const [audit] = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'audit.export')).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({ actorType: 'staff', objectType: 'audit_log', details: { format: 'csv', filters: { actor: null, action: null, objectType: null, objectId: null, firstDay: '2025-03-01', lastDay: '2025-04-30' } } });
    // The export shows up in the log itself, worded.
    const page = unescapeHtml((await auditor.get('/audit?action=audit.export')).html);
    expect(page).toContain('<td data-action>导出审计日志</td>');
  });

  it('when an export is filtered, then only matching rows are written', async () => {
    await admin.get('/audit');
    const res = await admin.post('/audit/export', { actor: 'HAN MEIMEI', action: 'review.reject' });
    const rows = parseCsv(res.html).slice(1);
    expect(rows.map((r) => Number(r[0]))).toEqual(written.filter((r) => r.actorLabel === 'Han Meimei' && r.action === 'review.reject').map((r) => r.id));
    expect(rows.length).toBeGreaterThan(5);
  });
});

describe('audit log access', () => {
  it('when a reviewer or an anonymous visitor asks, then they are refused, and a refused export writes nothing', async () => {
    const before = (await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'audit.export'))).length;
    expect((await reviewer.get('/audit')).status).toBe(403);
    expect((await reviewer.post('/audit/export', {})).status).toBe(403);
    const anonymous = new BackOfficeSession(app.url);
    const res = await anonymous.get('/audit');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Faudit');
    expect((await anonymous.post('/audit/export', {})).status).toBe(303);
    const htmx = await anonymous.get('/audit', { 'HX-Request': 'true' });
    expect(htmx.status).toBe(401);
    expect(htmx.headers.get('hx-redirect')).toBe('/login?next=%2Faudit');
    expect((await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'audit.export'))).length).toBe(before);
  });

  it('when a person is searched by e-mail or any part of their name, then their rows are found whatever case is typed, and nobody else’s', async () => {
    const wang = await createStaff(app.database.db, { email: 'Wang.Xiaoming@Example.test', name: '王小明 Wang Xiaoming', role: 'reviewer', passwordHash: 'x' });
    const other = await createStaff(app.database.db, { email: 'wang.er@example.test', name: '王二 Wang Er', role: 'reviewer', passwordHash: 'x' });
    const at = new Date('2025-06-01T02:00:00Z');
    const [mine] = await app.database.db
      .insert(auditLog)
      .values({ at, actorType: 'staff', actorId: wang.id, actorLabel: wang.name, action: 'review.claim', objectType: 'review', objectId: REVIEW_ID })
      .returning({ id: auditLog.id });
    const [theirs] = await app.database.db
      .insert(auditLog)
      .values({ at, actorType: 'staff', actorId: other.id, actorLabel: other.name, action: 'review.claim', objectType: 'review', objectId: REVIEW_ID })
      .returning({ id: auditLog.id });
    for (const typed of ['wang.xiaoming@example.test', '小明', 'xiaoMING', 'WANG XIAO']) {
      const ids = idsIn((await auditor.get(`/audit?actor=${encodeURIComponent(typed)}`)).html);
      expect(ids, typed).toContain(mine!.id);
      expect(ids, typed).not.toContain(theirs!.id);
    }
    const both = idsIn((await auditor.get(`/audit?actor=${encodeURIComponent('王')}`)).html);
    expect(both).toEqual(expect.arrayContaining([mine!.id, theirs!.id]));
    // A wildcard typed is a character, not a pattern.
    expect(idsIn((await auditor.get('/audit?actor=%25')).html)).toEqual([]);
  });

  it('when an action has been written under an older name, then the action list shows it once and choosing it finds both', async () => {
    const at = new Date('2025-07-01T02:00:00Z');
    const rows = await app.database.db
      .insert(auditLog)
      .values([
        { at, actorType: 'staff', actorId: null, actorLabel: 'Li Lei', action: 'staff.update', objectType: 'staff', objectId: null },
        { at, actorType: 'staff', actorId: null, actorLabel: 'Li Lei', action: 'staff.change', objectType: 'staff', objectId: null },
      ])
      .returning({ id: auditLog.id });
    for (const lang of ['zh-CN', 'en'] as const) {
      auditor.setCookie('vrd_lang', lang);
      const page = await auditor.get('/audit');
      const labels = [...page.html.matchAll(/<select name="action">([\s\S]*?)<\/select>/g)].flatMap((m) => [...m[1]!.matchAll(/<option value="[^"]*"[^>]*>([^<]*)<\/option>/g)].map((o) => o[1]));
      expect(labels.length).toBeGreaterThan(10);
      expect(labels.length, labels.join(' | ')).toBe(new Set(labels).size);
    }
    auditor.setCookie('vrd_lang', 'zh-CN');
    const found = idsIn((await auditor.get('/audit?action=staff.change&from=2025-07-01&to=2025-07-01')).html);
    expect(found.sort()).toEqual(rows.map((r) => r.id).sort());
    expect((await auditor.get('/audit?action=staff.update&from=2025-07-01&to=2025-07-01')).html).toMatch(/<option value="staff\.change" selected>/);
  });

  it('when a date preset is followed on the audit log or the statistics, then it fills the period, keeps the other filters and is marked as the period shown', async () => {
    const today = dayIn(new Date(), 'Asia/Shanghai');
    const presets = Object.fromEntries(presetPeriods(today).map((p) => [p.preset, p.range]));
    const links = (html: string) => [...unescapeHtml(html).matchAll(/<a href="([^"]+)" hx-get="[^"]+" hx-target="[^"]+" hx-swap="outerHTML" hx-push-url="true"( aria-current="true")?[^>]*>([^<]+)<\/a>/g)].map((m) => ({ href: m[1]!, current: !!m[2], label: m[3]! }));
    auditor.setCookie('vrd_lang', 'zh-CN');
    const audit = links((await auditor.get('/audit?actor=li+lei')).html);
    expect(audit.map((l) => l.label)).toEqual(['今天', '昨天', '近 7 天', '近 30 天', '本月', '上月']);
    const lastMonth = audit.find((l) => l.label === '上月')!;
    expect(lastMonth.href).toBe(`/audit?actor=li+lei&from=${presets.lastMonth!.from}&to=${presets.lastMonth!.to}`);
    const followed = await auditor.get(lastMonth.href);
    expect(followed.html).toContain(`name="from" value="${presets.lastMonth!.from}"`);
    expect(followed.html).toContain(`name="to" value="${presets.lastMonth!.to}"`);
    expect(links(followed.html).filter((l) => l.current).map((l) => l.label)).toEqual(['上月']);

    auditor.setCookie('vrd_lang', 'en');
    const stats = links((await auditor.get('/statistics?kind=voice_template')).html);
    expect(stats.map((l) => l.label)).toEqual(['Today', 'Yesterday', 'Last 7 days', 'Last 30 days', 'This month', 'Last month']);
    const week = stats.find((l) => l.label === 'Last 7 days')!;
    expect(week.href).toBe(`/statistics?kind=voice_template&from=${presets.last7!.from}&to=${presets.last7!.to}`);
    const shown = await auditor.get(week.href);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain(`name="from" value="${presets.last7!.from}"`);
    // On the 7th of a month the last 7 days are this month too: every preset naming the period shown is marked.
    const same = (r: { from: string; to: string }) => r.from === presets.last7!.from && r.to === presets.last7!.to;
    const names: Record<string, string> = { today: 'Today', yesterday: 'Yesterday', last7: 'Last 7 days', last30: 'Last 30 days', thisMonth: 'This month', lastMonth: 'Last month' };
    expect(links(shown.html).filter((l) => l.current).map((l) => l.label)).toEqual(presetPeriods(today).filter((p) => same(p.range)).map((p) => names[p.preset]));
    auditor.setCookie('vrd_lang', 'zh-CN');
  });

  it('when anyone tries to change the log through the back office, then no route takes it', async () => {
    await admin.get('/audit');
    const id = String(written[0]!.id);
    for (const [method, path] of [['POST', '/audit'], ['POST', `/audit/${id}`], ['POST', `/audit/${id}/delete`], ['PUT', `/audit/${id}`], ['DELETE', `/audit/${id}`], ['PATCH', '/audit']] as const) {
      const res = await fetch(app.url + path, {
        method,
        headers: { cookie: admin.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: new URL(app.url).origin },
        body: new URLSearchParams({ _csrf: admin.csrf, action: 'tampered' }),
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const [row] = await app.database.db.select().from(auditLog).where(eq(auditLog.id, written[0]!.id));
    expect(row!.action).toBe(written[0]!.action);
  });
});
