import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as argon2 from '@node-rs/argon2';
import ExcelJS from 'exceljs';
import { and, desc, eq } from 'drizzle-orm';
import { auditLog, reviewEvents } from '../../db/schema.js';
import { createStaff } from '../../db/staff.js';
import { dayIn } from '../../domain/reporting-period.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { expectedFigures, figure, insertFixtures, parseCsv, unescapeHtml, type FixtureReview } from '../support/insight-fixtures.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let supervisor: BackOfficeSession;
let auditor: BackOfficeSession;
let reviewerA: BackOfficeSession;
let reviewer: { id: string; name: string };
let other: { id: string; name: string };
let formulaReviewer: { id: string; name: string };
let statsTenant: TestTenant;
let otherTenant: TestTenant;
let dashboardFixtures: FixtureReview[];
let allFixtures: FixtureReview[];
let ids: Map<string, string>;
let today0: Date;

const FORMULA_NAME = '=HYPERLINK("http://evil.example","x")';
const H = 3_600_000;
const at = (iso: string) => new Date(iso);

async function signIn(role: 'reviewer' | 'supervisor' | 'admin' | 'auditor', member?: { email: string; password: string }): Promise<BackOfficeSession> {
  const m = member ?? (await app.addStaff(role));
  const s = new BackOfficeSession(app.url);
  await s.login(m.email, m.password);
  return s;
}

/** Posts an export form and answers with the raw bytes (xlsx is binary). */
async function exportFile(session: BackOfficeSession, path: string, fields: Record<string, string>) {
  await session.get('/statistics');
  const res = await fetch(app.url + path, {
    method: 'POST',
    headers: { cookie: session.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: new URL(app.url).origin },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  app = await startTestApp();
  const password = 'pw-statistics-1';
  const a = await createStaff(app.database.db, { email: 'li.lei@test.local', name: 'Li Lei', role: 'reviewer', passwordHash: await argon2.hash(password) });
  reviewer = { id: a.id, name: a.name };
  const b = await app.addStaff('reviewer');
  other = { id: b.id, name: b.name };
  const f = await createStaff(app.database.db, { email: 'formula@test.local', name: FORMULA_NAME, role: 'reviewer', passwordHash: 'x' });
  formulaReviewer = { id: f.id, name: f.name };
  supervisor = await signIn('supervisor');
  auditor = await signIn('auditor');
  reviewerA = await signIn('reviewer', { email: 'li.lei@test.local', password });
  statsTenant = await app.addTenant('统计租户');
  otherTenant = await app.addTenant('别的租户');

  // Today in Beijing, from its midnight: every "today" event falls between 01:00 and 10:00 Beijing time.
  today0 = new Date(`${dayIn(new Date(), 'Asia/Shanghai')}T00:00:00+08:00`);
  const t = (h: number) => new Date(today0.getTime() + h * H);
  const longAgo = new Date(today0.getTime() - 40 * 24 * H);
  const now = new Date();
  const T = statsTenant.tenant.id;
  const submittedLongAgo = { type: 'submitted' as const, at: longAgo };
  dashboardFixtures = [
    { key: 'p1', kind: 'voice_template', tenantId: T, status: 'pending', dueAt: t(30), sla: 'on_track', assigneeId: reviewer.id, events: [submittedLongAgo] },
    { key: 'p2', kind: 'voice_template', tenantId: T, status: 'pending', dueAt: t(30), sla: 'on_track', events: [submittedLongAgo] },
    { key: 'p3', kind: 'voice_template', tenantId: T, status: 'pending', dueAt: t(30), sla: 'on_track', events: [submittedLongAgo] },
    { key: 'p4', kind: 'voice_template', tenantId: T, status: 'pending', dueAt: t(12), sla: 'at_risk', assigneeId: reviewer.id, reminderAnswerDueAt: new Date(now.getTime() + 2 * H), events: [submittedLongAgo, { type: 'reminded', at: t(4), number: 1 }] },
    { key: 'p5', kind: 'voice_template', tenantId: T, status: 'pending', dueAt: t(12), sla: 'at_risk', events: [submittedLongAgo] },
    { key: 'p6', kind: 'voice_template', tenantId: T, status: 'pending', dueAt: t(-30), sla: 'breached', reminderAnswerDueAt: new Date(now.getTime() - H), events: [submittedLongAgo, { type: 'reminded', at: t(1), number: 1 }, { type: 'reminder_escalated', at: t(3), number: 1 }] },
    { key: 'p7', kind: 'audio_file', tenantId: T, status: 'pending', dueAt: t(30), sla: 'on_track', events: [{ type: 'submitted', at: t(1) }] },
    { key: 'p8', kind: 'audio_file', tenantId: T, status: 'pending', dueAt: t(3), sla: 'breached', assigneeId: reviewer.id, events: [{ type: 'submitted', at: t(1.5) }, { type: 'breached', at: t(3) }] },
    { key: 'p9', kind: 'audio_file', tenantId: T, status: 'pending', dueAt: t(3.5), sla: 'breached', events: [submittedLongAgo, { type: 'breached', at: t(3.5) }] },
    { key: 'p10', kind: 'service_activation', tenantId: T, status: 'pending', dueAt: t(12), sla: 'at_risk', assigneeId: other.id, events: [{ type: 'submitted', at: t(2) }] },
    { key: 'd1', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: t(6), assigneeId: reviewer.id, events: [submittedLongAgo, { type: 'approved', at: t(5), by: reviewer, dueAt: t(6) }] },
    { key: 'd2', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: t(5), assigneeId: reviewer.id, events: [submittedLongAgo, { type: 'approved', at: t(5.5), by: reviewer, dueAt: t(5) }] },
    // Recorded without its deadline: judged by the review's own, as the round is still current.
    { key: 'd3', kind: 'audio_file', tenantId: T, status: 'approved', dueAt: t(7), assigneeId: reviewer.id, events: [submittedLongAgo, { type: 'approved', at: t(6), by: reviewer }] },
    // Decided exactly at its deadline: on time.
    { key: 'd4', kind: 'audio_file', tenantId: T, status: 'rejected', dueAt: t(6.5), assigneeId: reviewer.id, events: [submittedLongAgo, { type: 'rejected', at: t(6.5), by: reviewer, dueAt: t(6.5) }] },
    { key: 'd5', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: t(8), events: [submittedLongAgo, { type: 'approved', at: t(7), by: other, dueAt: t(8) }] },
    { key: 'd6', kind: 'service_activation', tenantId: T, status: 'approved', dueAt: t(9), events: [submittedLongAgo, { type: 'approved', at: t(7.5), by: other, dueAt: t(9) }] },
    { key: 'd7', kind: 'audio_file', tenantId: T, status: 'rejected', dueAt: t(9), events: [submittedLongAgo, { type: 'rejected', at: t(8), by: null, dueAt: t(9) }] },
    { key: 'd8', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: t(8), assigneeId: other.id, reminderAnswerDueAt: t(4), events: [submittedLongAgo, { type: 'reminded', at: t(2), number: 1 }, { type: 'approved', at: t(8.5), by: other, dueAt: t(8) }] },
    { key: 'd9', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: t(10), assigneeId: reviewer.id, events: [submittedLongAgo, { type: 'reminded', at: t(2.5), number: 1 }, { type: 'reminder_replied', at: t(3), by: reviewer }, { type: 'approved', at: t(9), by: reviewer, dueAt: t(10) }] },
    // Yesterday: in the last 7 days, not today.
    { key: 'd10', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: t(2), assigneeId: reviewer.id, events: [submittedLongAgo, { type: 'approved', at: t(-5), by: reviewer, dueAt: t(2) }] },
  ];

  // March 2025 for the statistics pages: one tenant's reviews, and one of another tenant's.
  const statistics: FixtureReview[] = [
    // Submitted 00:30 on 5 March Beijing time (still 4 March in UTC).
    { key: 'a', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: at('2025-03-05T10:00:00Z'), events: [{ type: 'submitted', at: at('2025-03-04T16:30:00Z') }, { type: 'approved', at: at('2025-03-05T09:00:00Z'), by: reviewer, dueAt: at('2025-03-05T10:00:00Z') }] },
    {
      key: 'b', kind: 'voice_template', tenantId: T, status: 'pending', round: 2, dueAt: at('2025-03-12T10:00:00Z'), sla: 'on_track', assigneeId: reviewer.id,
      events: [
        { type: 'submitted', at: at('2025-03-03T02:00:00Z'), round: 1 },
        { type: 'rejected', at: at('2025-03-04T12:00:00Z'), round: 1, by: reviewer, dueAt: at('2025-03-04T10:00:00Z') },
        { type: 'resubmitted', at: at('2025-03-10T02:00:00Z'), round: 2 },
        { type: 'reminded', at: at('2025-03-11T03:00:00Z'), round: 2, number: 1 },
        { type: 'reminder_replied', at: at('2025-03-11T05:00:00Z'), round: 2, by: reviewer },
        { type: 'reminded', at: at('2025-03-11T09:00:00Z'), round: 2, number: 2 },
        { type: 'reminder_escalated', at: at('2025-03-11T11:00:00Z'), round: 2, number: 2 },
      ],
    },
    {
      key: 'c', kind: 'audio_file', tenantId: T, status: 'rejected', dueAt: at('2025-03-20T10:00:00Z'),
      events: [
        { type: 'submitted', at: at('2025-03-18T02:00:00Z') },
        { type: 'reminded', at: at('2025-03-19T02:00:00Z'), number: 1 },
        { type: 'breached', at: at('2025-03-20T10:00:00Z') },
        { type: 'rejected', at: at('2025-03-21T02:00:00Z'), by: formulaReviewer },
      ],
    },
    // Submitted 00:30 on 1 March Beijing time (28 February in UTC); decided by the automatic check.
    { key: 'd', kind: 'audio_file', tenantId: T, status: 'approved', dueAt: at('2025-03-03T10:00:00Z'), events: [{ type: 'submitted', at: at('2025-02-28T16:30:00Z') }, { type: 'approved', at: at('2025-03-01T01:00:00Z'), by: null, dueAt: at('2025-03-03T10:00:00Z') }] },
    // 1 April in Beijing: outside March.
    { key: 'e', kind: 'voice_template', tenantId: T, status: 'approved', dueAt: at('2025-04-03T10:00:00Z'), events: [{ type: 'submitted', at: at('2025-03-31T16:30:00Z') }, { type: 'approved', at: at('2025-04-02T02:00:00Z'), by: reviewer, dueAt: at('2025-04-03T10:00:00Z') }] },
    { key: 'f', kind: 'voice_template', tenantId: otherTenant.tenant.id, status: 'approved', dueAt: at('2025-03-07T10:00:00Z'), events: [{ type: 'submitted', at: at('2025-03-05T02:00:00Z') }, { type: 'approved', at: at('2025-03-06T02:00:00Z'), by: reviewer, dueAt: at('2025-03-07T10:00:00Z') }] },
  ];
  allFixtures = [...dashboardFixtures, ...statistics];
  ids = await insertFixtures(app.database.db, allFixtures);
});

afterAll(async () => {
  await app?.stop();
});

const MARCH = 'from=2025-03-01&to=2025-03-31';

describe('dashboard', () => {
  it('when a supervisor opens it, then today’s figures equal the counts made from the rows inserted', async () => {
    const page = await supervisor.get('/dashboard');
    expect(page.status).toBe(200);
    const want = expectedFigures(allFixtures, today0, new Date(today0.getTime() + 24 * H));
    expect(want).toMatchObject({ decided: 9, onTime: 7, late: 2, breached: 2, reminders: 4 });
    expect(figure(page.html, 'submitted')).toBe(String(want.submitted));
    expect(figure(page.html, 'decided')).toBe(String(want.decided));
    expect(figure(page.html, 'approved')).toBe(String(want.approved));
    expect(figure(page.html, 'rejected')).toBe(String(want.rejected));
    expect(figure(page.html, 'on-time')).toBe(String(want.onTime));
    expect(figure(page.html, 'late')).toBe(String(want.late));
    expect(figure(page.html, 'on-time-share')).toBe('77.8%');
    expect(figure(page.html, 'breached')).toBe(String(want.breached));
    expect(figure(page.html, 'reminders')).toBe(String(want.reminders));
    expect(figure(page.html, 'reminders-answered')).toBe(String(want.remindersAnswered));
    expect(figure(page.html, 'reminders-escalated')).toBe(String(want.remindersEscalated));
    expect(figure(page.html, 'reminders-open')).toBe(String(want.remindersOpen));
    const pending = allFixtures.filter((f) => f.status === 'pending');
    expect(figure(page.html, 'breached-open')).toBe(String(pending.filter((f) => f.sla === 'breached').length));
    expect(figure(page.html, 'reminders-open-now')).toBe(String(pending.filter((f) => f.reminderAnswerDueAt).length));
    expect(figure(page.html, 'reminders-overdue-now')).toBe(String(pending.filter((f) => f.reminderAnswerDueAt && f.reminderAnswerDueAt < new Date()).length));
  });

  it('when the backlog is drawn, then each kind and deadline state counts the pending rows and links to the queue filtered the same way', async () => {
    const page = await supervisor.get('/dashboard');
    const html = unescapeHtml(page.html);
    const pending = allFixtures.filter((f) => f.status === 'pending');
    for (const kind of ['voice_template', 'audio_file', 'service_activation'] as const) {
      const row = new RegExp(`<tr data-kind="${kind}">(.*?)</tr>`, 's').exec(html)?.[1] ?? '';
      for (const sla of ['on_track', 'at_risk', 'breached'] as const) {
        const n = pending.filter((f) => f.kind === kind && f.sla === sla).length;
        expect(row, `${kind} ${sla}`).toContain(`<a href="/queue?kind=${kind}&sla=${sla}" data-backlog="${sla}">${n}</a>`);
      }
    }
    expect(page.html).toContain(`data-backlog-total="all">${pending.length}</a>`);
    // The link leads to exactly those reviews.
    const queue = await supervisor.get('/queue?kind=voice_template&sla=breached');
    const shown = [...ids].filter(([, id]) => queue.html.includes(`/reviews/${id}`)).map(([key]) => key);
    expect(shown).toEqual(['p6']);
    // The chart is an image with a title, and its bars carry the same numbers and links.
    expect(page.html).toMatch(/<svg [^>]*role="img" aria-labelledby="backlog-chart-title backlog-chart-desc"/);
    expect(page.html).toContain('<title>语音模板 · 已超时: 1</title>');
    expect(html).toContain('<a href="/queue?kind=audio_file&sla=breached"><rect');
  });

  it('when decisions are listed per reviewer, then each person’s count and on-time count match, and the automatic check has its own row', async () => {
    const page = await supervisor.get('/dashboard');
    const want = expectedFigures(allFixtures, today0, new Date(today0.getTime() + 24 * H));
    for (const [id, name] of [[reviewer.id, reviewer.name], [other.id, other.name], ['', '自动检查']] as const) {
      const row = new RegExp(`<tr data-reviewer="${id}"><th scope="row">([^<]*)</th>(.*?)</tr>`, 's').exec(page.html);
      expect(row?.[1]).toBe(name);
      const expected = want.byReviewer(id || null);
      expect(row?.[2]).toContain(`data-col="decided">${expected.decided}<`);
      expect(row?.[2]).toContain(`data-col="on-time">${expected.onTime}<`);
    }
  });

  it('when the last 7 days are chosen, then yesterday’s decision counts too', async () => {
    const page = await supervisor.get('/dashboard?period=last7');
    const want = expectedFigures(allFixtures, new Date(today0.getTime() - 6 * 24 * H), new Date(today0.getTime() + 24 * H));
    expect(want.decided).toBe(10);
    expect(figure(page.html, 'decided')).toBe('10');
    expect(page.html).toMatch(/<option value="last7" selected>/);
  });

  it('when a reviewer opens it, then they see only their own slice: the reviews assigned to them and the decisions they made', async () => {
    const page = await reviewerA.get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.html).toContain('这里只显示分配给您的审核和您作出的处理');
    const want = expectedFigures(allFixtures, today0, new Date(today0.getTime() + 24 * H), { staffId: reviewer.id });
    expect(want).toMatchObject({ decided: 5, onTime: 4, breached: 1, reminders: 2 });
    expect(figure(page.html, 'submitted')).toBeUndefined();
    for (const [name, n] of Object.entries({ decided: want.decided, 'on-time': want.onTime, late: want.late, breached: want.breached, reminders: want.reminders, 'reminders-answered': want.remindersAnswered, 'reminders-open': want.remindersOpen })) {
      expect(figure(page.html, name), name).toBe(String(n));
    }
    const mine = allFixtures.filter((f) => f.status === 'pending' && f.assigneeId === reviewer.id);
    expect(page.html).toContain(`data-backlog-total="all">${mine.length}</a>`);
    expect(page.html).toContain(`data-reviewer="${reviewer.id}"`);
    expect(page.html).not.toContain(`data-reviewer="${other.id}"`);
  });

  it('when htmx asks for another period, then only the dashboard body comes back; a direct visit gets the whole page with the navigation', async () => {
    const partial = await supervisor.get('/dashboard?period=last30', { 'HX-Request': 'true' });
    expect(partial.status).toBe(200);
    expect(partial.html.trimStart().startsWith('<section id="dashboard-body"')).toBe(true);
    expect(partial.html).not.toContain('<html');
    const full = await supervisor.get('/dashboard');
    expect(full.html).toContain('<html');
    expect(full.html).toContain('href="/static/insight.css"');
    expect(full.html).toContain('<a href="/statistics">');
    const reviewerNav = await reviewerA.get('/queue');
    expect(reviewerNav.html).toContain('<a href="/dashboard">');
    expect(reviewerNav.html).not.toContain('<a href="/statistics">');
    expect(reviewerNav.html).not.toContain('<a href="/audit">');
  });
});

describe('statistics', () => {
  it('when a tenant is chosen by name for March, then the figures count that tenant’s rounds by Beijing day', async () => {
    const page = await supervisor.get(`/statistics?tenant=${encodeURIComponent('统计租户')}&${MARCH}`);
    expect(page.status).toBe(200);
    const f = Object.fromEntries(['submitted', 'decided', 'approved', 'rejected', 'on-time', 'late', 'reminders', 'reminders-answered', 'reminders-escalated', 'reminders-open'].map((k) => [k, figure(page.html, k)]));
    expect(f).toEqual({ submitted: '5', decided: '4', approved: '2', rejected: '2', 'on-time': '2', late: '2', reminders: '3', 'reminders-answered': '2', 'reminders-escalated': '1', 'reminders-open': '1' });
    expect(figure(page.html, 'on-time-share')).toBe('50%');
    const vt = /<tr data-kind="voice_template">(.*?)<\/tr>/s.exec(page.html)?.[1] ?? '';
    expect(vt).toContain('data-col="submitted">3<');
    expect(vt).toContain('data-col="decided">2<');
    const audio = /<tr data-kind="audio_file">(.*?)<\/tr>/s.exec(page.html)?.[1] ?? '';
    expect(audio).toContain('data-col="breached">1<');
    expect(page.html).toContain('<tr data-day="2025-03-05"><th scope="row"><time datetime="2025-03-05">2025年3月5日</time></th><td class="num">1</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>');
    // Reviewers: Li Lei decided a (on time) and b's first round (late); the automatic check d.
    expect(page.html).toMatch(new RegExp(`data-reviewer="${reviewer.id}"><th scope="row">Li Lei</th><td class="num" data-col="decided">2<`));
    expect(page.html).toContain('<th scope="row">自动检查</th><td class="num" data-col="decided">1<');
    expect(unescapeHtml(page.html)).toContain(`<th scope="row">${FORMULA_NAME}</th>`);
  });

  it('when no tenant is chosen, then every tenant counts; a kind narrows to that kind', async () => {
    const all = await supervisor.get(`/statistics?${MARCH}`);
    expect(figure(all.html, 'submitted')).toBe('6');
    const kind = await supervisor.get(`/statistics?kind=voice_template&tenant=${encodeURIComponent('统计租户')}&${MARCH}`);
    expect(figure(kind.html, 'submitted')).toBe('3');
    expect(figure(kind.html, 'decided')).toBe('2');
    expect(figure(kind.html, 'reminders')).toBe('2');
    expect(kind.html).toMatch(/<option value="voice_template" selected>/);
    expect(kind.html).not.toContain('data-kind="audio_file"');
  });

  it('when the period is longer than six months, then it is refused beside the end date, keeping what was typed', async () => {
    const refused = await auditor.get(`/statistics?from=2025-01-01&to=2025-07-01&tenant=${encodeURIComponent('统计租户')}`);
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/name="to" value="2025-07-01"[^>]*aria-invalid="true" aria-describedby="to-error"/);
    expect(refused.html).toContain('<span class="field-error" id="to-error" role="alert">一次最多查询六个月：从该开始日期起，结束日期最晚为 2025年6月30日</span>');
    expect(refused.html).toContain('name="from" value="2025-01-01"');
    expect(refused.html).toContain('value="统计租户"');
    expect(figure(refused.html, 'submitted')).toBeUndefined();
    const allowed = await auditor.get('/statistics?from=2025-01-01&to=2025-06-30');
    expect(allowed.status).toBe(200);
  });

  it('when the tenant name or a date is wrong, then each is named beside its field; in English too', async () => {
    const unknown = await supervisor.get(`/statistics?tenant=nobody&${MARCH}`);
    expect(unknown.status).toBe(422);
    expect(unknown.html).toContain('<span class="field-error" id="tenant-error" role="alert">没有名为“nobody”的租户</span>');
    expect(unknown.html).toContain('value="nobody"');
    const en = new BackOfficeSession(app.url);
    const member = await app.addStaff('admin');
    await en.login(member.email, member.password);
    en.setCookie('vrd_lang', 'en');
    const bad = await en.get('/statistics?from=2025-02-30&to=2025-02-01');
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="from-error" role="alert">Write the date as YYYY-MM-DD (years 2000-9999)</span>');
    const backwards = await en.get('/statistics?from=2025-03-02&to=2025-03-01');
    expect(backwards.html).toContain('id="to-error" role="alert">The end must not be before the start</span>');
    const ok = await en.get(`/statistics?tenant=${encodeURIComponent('统计租户')}&${MARCH}`);
    expect(ok.html).toContain('1 Mar 2025 to 31 Mar 2025');
    expect(ok.html).toContain('<time datetime="2025-03-05">5 Mar 2025</time>');
    expect(ok.html).toContain('<title>5 Mar · Submitted: 1</title>');
    expect(ok.html).toContain('<th scope="row">Voice template</th>');
    expect(ok.html).toContain('<th scope="row">Automatic check</th>');
  });

  it('when exported as CSV per day and kind, then the file parses back to the figures, every day and kind present, and the export is audited', async () => {
    const res = await exportFile(auditor, '/statistics/export', { export: 'csv-daily', tenant: '统计租户', from: '2025-03-01', to: '2025-03-31', kind: '' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('statistics-2025-03-01-2025-03-31-daily.csv');
    const text = res.body.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['日期', '类型', '类型代码', '提交', '已处理', '通过', '驳回', '按时处理', '超时处理', '超时', '收到的催审', '已答复', '已升级至主管', '待答复']);
    expect(rows).toHaveLength(31 * 7);
    const cell = (day: string, kind: string) => rows.find((r) => r[0] === day && r[2] === kind)!.slice(3).map(Number);
    expect(cell('2025-03-05', 'voice_template')).toEqual([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(cell('2025-03-04', 'voice_template')).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    expect(cell('2025-03-11', 'voice_template')).toEqual([0, 0, 0, 0, 0, 0, 0, 2, 1, 1, 1]);
    expect(cell('2025-03-01', 'audio_file')).toEqual([1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    const sums = header!.slice(3).map((_h, i) => rows.reduce((n, r) => n + Number(r[i + 3]), 0));
    expect(sums).toEqual([5, 4, 2, 2, 2, 2, 1, 3, 2, 1, 1]);
    const [audit] = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'statistics.export')).orderBy(desc(auditLog.id)).limit(1);
    expect(audit).toMatchObject({ actorType: 'staff', objectType: 'statistics', details: { format: 'csv', table: 'daily', filters: { kind: null, tenant: '统计租户', firstDay: '2025-03-01', lastDay: '2025-03-31' } } });
  });

  it('when exported per reviewer, then a name that looks like a formula is written as text, never as a formula', async () => {
    const res = await exportFile(supervisor, '/statistics/export', { export: 'csv-reviewers', tenant: '统计租户', from: '2025-03-01', to: '2025-03-31' });
    const rows = parseCsv(res.body.toString('utf8'));
    expect(rows[0]).toEqual(['审核员', '已处理', '通过', '驳回', '按时处理', '超时处理']);
    expect(rows.slice(1).sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual(
      [
        ['Li Lei', '2', '1', '1', '1', '1'],
        [`'${FORMULA_NAME}`, '1', '0', '1', '0', '1'],
        ['自动检查', '1', '1', '0', '1', '0'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
  });

  it('when exported as .xlsx, then its sheets hold the same figures as the CSV, as numbers, and text stays text', async () => {
    const fields = { tenant: '统计租户', from: '2025-03-01', to: '2025-03-31', kind: 'voice_template' };
    const xlsx = await exportFile(auditor, '/statistics/export', { export: 'xlsx', ...fields });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['筛选条件', '按日和类型', '按类型', '按审核员']);
    const sheetRows = (name: string) => {
      const out: unknown[][] = [];
      book.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const csv = parseCsv((await exportFile(auditor, '/statistics/export', { export: 'csv-daily', ...fields })).body.toString('utf8'));
    const daily = sheetRows('按日和类型');
    expect(daily).toHaveLength(32);
    expect(daily.map((r) => r.map(String))).toEqual(csv);
    expect(typeof daily[5]![3]).toBe('number');
    expect(sheetRows('按类型')[1]).toEqual(['语音模板', 'voice_template', 3, 2, 1, 1, 1, 1, 0, 2, 1, 1, 1]);
    expect(sheetRows('筛选条件')).toEqual([
      ['开始日期', '2025-03-01'],
      ['结束日期（含）', '2025-03-31'],
      ['类型', '语音模板'],
      ['租户', '统计租户'],
    ]);
    const exports = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'statistics.export'));
    expect(exports.some((a) => (a.details as { format?: string }).format === 'xlsx')).toBe(true);
  });

  it('when an export asks for more than six months, then nothing is exported or audited and the form says why', async () => {
    const before = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'statistics.export'));
    const res = await exportFile(auditor, '/statistics/export', { export: 'csv-daily', from: '2025-01-01', to: '2025-12-31' });
    expect(res.status).toBe(422);
    expect(res.body.toString('utf8')).toContain('id="to-error"');
    const after = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'statistics.export'));
    expect(after).toHaveLength(before.length);
  });
});

describe('who may open what', () => {
  it('when a reviewer asks for statistics or an export, then 403; anonymous visitors are sent to log in; no export is audited', async () => {
    const before = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'statistics.export'));
    expect((await reviewerA.get('/statistics')).status).toBe(403);
    expect((await exportFile(reviewerA, '/statistics/export', { export: 'csv-daily' })).status).toBe(403);
    const anonymous = new BackOfficeSession(app.url);
    for (const path of ['/dashboard', '/statistics']) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    const post = await anonymous.post('/statistics/export', { export: 'csv-daily' });
    expect(post.status).toBe(303);
    const after = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'statistics.export'));
    expect(after).toHaveLength(before.length);
  });

  it('when an export form comes without its token, then it is refused', async () => {
    await supervisor.get('/statistics');
    const res = await fetch(`${app.url}/statistics/export`, {
      method: 'POST',
      headers: { cookie: supervisor.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: new URL(app.url).origin },
      body: new URLSearchParams({ export: 'csv-daily' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('through the real intake and decision', () => {
  it('when a template is submitted and approved in the back office, then the decision records its deadline and today’s statistics count it on time', async () => {
    const tenant = await app.addTenant('实时租户');
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate());
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as string;
    const decider = await signIn('reviewer');
    await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${id}`)).body.status).toBe('pending');
    expect((await decideInBackOffice(decider, id, { outcome: 'approved' })).status).toBe(200);
    await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${id}`)).body.status, { timeout: 30_000 }).toBe('approved');
    const [event] = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, id), eq(reviewEvents.type, 'approved')));
    expect((event!.data as { dueAt?: string }).dueAt).toBe(submitted.body.dueAt);
    const today = dayIn(new Date(), 'Asia/Shanghai');
    const page = await supervisor.get(`/statistics?tenant=${encodeURIComponent('实时租户')}&from=${today}&to=${today}`);
    expect(figure(page.html, 'submitted')).toBe('1');
    expect(figure(page.html, 'decided')).toBe('1');
    expect(figure(page.html, 'on-time')).toBe('1');
    expect(figure(page.html, 'late')).toBe('0');
  });
});
