import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { loadCalendar } from '../../db/calendars.js';
import { findReview } from '../../db/reviews.js';
import { computeDueAt, createCalendar } from '../../domain/working-time.js';
import { listRuleSetVersions, ruleSetInForce } from '../../db/rule-sets.js';
import { currentRulesVersion } from '../../db/rules-version.js';
import { auditLog, reviews, staff } from '../../db/schema.js';
import { recomputeWorkflowId } from '../../temporal/recompute-client.js';
import { BackOfficeSession, decideInBackOffice, formToken } from '../support/back-office.js';
import { impactOf, ruleFormBody } from '../support/rules.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let temporal: Client;
let admin: BackOfficeSession;
let adminId: string;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  const a = await app.addStaff('admin');
  adminId = a.id;
  admin = new BackOfficeSession(app.url);
  await admin.login(a.email, a.password);
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), namespace: inject('temporalNamespace') });
});

afterAll(async () => {
  await temporal?.workflow.getHandle(recomputeWorkflowId(app.taskQueue)).terminate('test over').catch(() => undefined);
  await temporal?.connection.close();
  await app?.stop();
});

type View = { id: string; status: string; dueAt: string; submittedAt: string; decision: { reasonCode: string; reasonText: string } | null };

async function submit(over: Record<string, unknown> = {}): Promise<View> {
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as View;
}

async function inForce() {
  return (await ruleSetInForce(app.database.db, 'voice_template')).rules;
}

/** Posts the editor form for voice templates with `change` applied to the rules in force. */
async function postRules(path: string, change: (r: Awaited<ReturnType<typeof inForce>>) => void, comment = '', headers: Record<string, string> = {}) {
  await admin.get('/admin/rules/voice_template');
  const rules = structuredClone(await inForce());
  change(rules);
  return admin.postRaw(`/admin/rules/voice_template${path}`, ruleFormBody('voice_template', rules, admin.csrf, comment), headers);
}

describe('rule sets', () => {
  it('when an admin saves twice and restores the first version, then each save is a version with author, comment and diff, the restore is a new version, and every change is audited', async () => {
    const v1 = await postRules('', (r) => (r.reminders.maxPerRound = 5), 'five reminders');
    expect(v1.status, v1.html).toBe(303);
    const v2 = await postRules('', (r) => {
      r.reminders.maxPerRound = 2;
      r.reasons.find((x) => x.code === 'content_unclear')!.active = false;
      r.reasons.push({ code: 'needs_license', staff: { 'zh-CN': '缺少授权', en: 'License missing' }, tenant: { 'zh-CN': '请提供授权', en: 'Please provide a licence' }, requiresText: false, active: true });
    }, 'stricter');
    expect(v2.status, v2.html).toBe(303);

    const versions = await listRuleSetVersions(app.database.db, 'voice_template');
    expect(versions.map((v) => v.version)).toEqual([2, 1, 0]);
    expect(versions[0]).toMatchObject({ authorId: adminId, comment: 'stricter', rules: { reminders: { maxPerRound: 2 } } });
    const page = await admin.get('/admin/rules/voice_template/versions/2');
    expect(page.status).toBe(200);
    expect(page.html).toContain('needs_license');
    expect(page.html).toMatch(/<td class="before">5<\/td><td>→<\/td><td class="after">2<\/td>/);

    const restored = await admin.post('/admin/rules/voice_template/versions/1/restore', { comment: 'back to five', confirm: '1' });
    expect(restored.status, restored.html).toBe(303);
    const now = await ruleSetInForce(app.database.db, 'voice_template');
    expect(now).toMatchObject({ version: 3, restoredFrom: 1, comment: 'back to five', rules: { reminders: { maxPerRound: 5 } } });
    // The reason added in v2 is kept, retired; the one v2 retired is active again as in v1.
    expect(now.rules.reasons.find((r) => r.code === 'needs_license')).toMatchObject({ active: false });
    expect(now.rules.reasons.find((r) => r.code === 'content_unclear')).toMatchObject({ active: true });

    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'rule_set'), eq(auditLog.objectId, 'voice_template')));
    expect(audit.map((a) => a.action)).toEqual(['rules.change', 'rules.change', 'rules.restore']);
    expect(audit[1]?.details).toMatchObject({ version: 2, comment: 'stricter', changes: expect.arrayContaining([{ path: 'reminders.maxPerRound', before: '5', after: '2' }]) });
    expect(audit.every((a) => a.actorId === adminId)).toBe(true);
  });

  it('when a rule is refused, then the page answers 422 with the refusal beside the field and what was typed kept', async () => {
    await admin.get('/admin/rules/voice_template');
    const body = ruleFormBody('voice_template', await inForce(), admin.csrf);
    body.set('review.amount', 'soon');
    body.set('atRiskPercent', '150');
    const res = await admin.postRaw('/admin/rules/voice_template', body);
    expect(res.status).toBe(422);
    expect(res.html).toMatch(/data-field="review.amount">must be a finite number, got &quot;soon&quot;</);
    expect(res.html).toContain('name="review.amount" value="soon"');
    expect((await ruleSetInForce(app.database.db, 'voice_template')).version).toBe(3);
  });

  it('when a retired reason was used on a decision, then the review still shows its wording', async () => {
    const v = await submit({ name: '退役原因' });
    const reviewer = await app.addStaff('reviewer');
    const session = new BackOfficeSession(app.url);
    await session.login(reviewer.email, reviewer.password);
    const decided = await decideInBackOffice(session, v.id, { outcome: 'rejected', reasonCode: 'scenario_mismatch' });
    expect(decided.status, decided.html).toBe(200);
    const retire = await postRules('', (r) => (r.reasons.find((x) => x.code === 'scenario_mismatch')!.active = false));
    expect(retire.status).toBe(303);
    const page = await session.get(`/reviews/${v.id}`);
    expect(page.html).toMatch(/id="decision-reason">内容与业务场景不符</);
    // Reviewers can no longer choose it.
    const other = await submit({ name: '不可选' });
    const refused = await decideInBackOffice(session, other.id, { outcome: 'rejected', reasonCode: 'scenario_mismatch' });
    expect(refused.status).toBe(422);
  });
});

describe('automatic checks', () => {
  it('when the rules ban a word, then a template containing it is rejected at once, naming the word in the reader’s language', async () => {
    const saved = await postRules('', (r) => (r.checks.template!.bannedPhrases = ['免费', 'FREE gift']));
    expect(saved.status).toBe(303);
    const v = await submit({ name: '禁用词', content: '限时 免 费领取，${DATE}前有效' });
    await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${v.id}`)).body.status, { timeout: 30_000 }).toBe('rejected');
    const view = (await app.api(tenant, 'GET', `/reviews/${v.id}`)).body as View;
    expect(view.decision).toMatchObject({ reasonCode: 'banned_words', reasonText: '包含禁用词：“免费”' });
    const en = (await app.api(tenant, 'GET', `/reviews/${v.id}`, undefined, { 'accept-language': 'en' })).body as View;
    expect(en.decision?.reasonText).toBe('Contains banned words: “免费”');
    // A clean template waits for a person.
    const clean = await submit({ name: '干净模板' });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await app.api(tenant, 'GET', `/reviews/${clean.id}`)).body.status).toBe('pending');
  });
});

describe('what-if preview', () => {
  it('when an admin previews a shorter deadline and then saves it, then what happens equals the numbers shown', async () => {
    const fresh = [await submit({ name: '预览一' }), await submit({ name: '预览二' }), await submit({ name: '预览三' })];
    // Two submitted ten days ago: under a shorter rule their deadline has already passed.
    const old = fresh.slice(0, 2).map((v) => v.id);
    await app.database.db.update(reviews).set({ submittedAt: new Date(Date.now() - 10 * 86_400_000) }).where(inArray(reviews.id, old));
    const open = await app.database.db.select().from(reviews).where(and(eq(reviews.kind, 'voice_template'), eq(reviews.status, 'pending')));
    const before = new Map(open.map((r) => [r.id, r]));

    const preview = await postRules('/preview', (r) => (r.deadlines.review = { type: 'working_minutes', minutes: 120 }), '', { 'HX-Request': 'true' });
    expect(preview.status, preview.html).toBe(200);
    const shown = impactOf(preview.html);
    expect(shown.open).toBe(open.length);
    expect(shown.breached).toBeGreaterThanOrEqual(2);

    const saved = await postRules('', (r) => (r.deadlines.review = { type: 'working_minutes', minutes: 120 }), 'two hours');
    expect(saved.status).toBe(303);
    const version = await currentRulesVersion(app.database.db);
    await expect
      .poll(async () => (await app.database.db.select().from(reviews).where(and(inArray(reviews.id, [...before.keys()]), ne(reviews.rulesVersion, version)))).length, { timeout: 30_000 })
      .toBe(0);
    const after = await app.database.db.select().from(reviews).where(inArray(reviews.id, [...before.keys()]));
    const outcome = { open: after.length, earlier: 0, later: 0, unchanged: 0, atRisk: 0, breached: 0, backOnTrack: 0, remindersMoved: 0 };
    for (const row of after) {
      const was = before.get(row.id)!;
      const d = row.dueAt.getTime() - was.dueAt.getTime();
      if (d < 0) outcome.earlier += 1;
      else if (d > 0) outcome.later += 1;
      else outcome.unchanged += 1;
      if (was.slaState === 'on_track' && row.slaState === 'at_risk') outcome.atRisk += 1;
      if (was.slaState !== 'breached' && row.slaState === 'breached') outcome.breached += 1;
      if (was.slaState === 'at_risk' && row.slaState === 'on_track') outcome.backOnTrack += 1;
      if (was.reminderAnswerDueAt && row.reminderAnswerDueAt?.getTime() !== was.reminderAnswerDueAt.getTime()) outcome.remindersMoved += 1;
    }
    expect(outcome).toEqual(shown);
    for (const id of old) expect((await findReview(app.database.db, id))?.slaState).toBe('breached');
  });
});

describe('auto-assignment', () => {
  async function onlyReviewers(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) ids.push((await app.addStaff('reviewer')).id);
    await app.database.db.update(staff).set({ active: false }).where(and(eq(staff.role, 'reviewer'), ne(staff.active, false)));
    await app.database.db.update(staff).set({ active: true, kinds: ['voice_template'] }).where(inArray(staff.id, ids));
    return ids;
  }

  it('when the kind assigns round robin, then 30 reviews spread evenly over its 3 reviewers', async () => {
    const ids = await onlyReviewers(3);
    expect((await postRules('', (r) => (r.assignment = 'round_robin'))).status).toBe(303);
    const made: View[] = [];
    for (let i = 0; i < 30; i += 1) made.push(await submit({ name: `轮流${i}` }));
    const rows = await app.database.db.select({ assigneeId: reviews.assigneeId, assignedAt: reviews.assignedAt, submittedAt: reviews.submittedAt }).from(reviews).where(inArray(reviews.id, made.map((m) => m.id)));
    // Held from submission, as the round's workflow counts it, so the claim lapses on the page when it lapses there.
    for (const r of rows) expect(r.assignedAt?.toISOString()).toBe(r.submittedAt.toISOString());
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.assigneeId ?? 'none', (counts.get(r.assigneeId ?? 'none') ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(ids.map((id) => [id, 10])));
  });

  it('when the kind assigns to the least loaded, then a reviewer who claimed work gets new reviews last', async () => {
    const [busy, free] = await onlyReviewers(2);
    expect((await postRules('', (r) => (r.assignment = 'none'))).status).toBe(303);
    const claimed = [await submit({ name: '领取一' }), await submit({ name: '领取二' })];
    const b = await app.database.db.select().from(staff).where(eq(staff.id, busy!));
    const session = new BackOfficeSession(app.url);
    // The test's reviewers have random passwords: give this one a known one.
    const argon2 = await import('@node-rs/argon2');
    await app.database.db.update(staff).set({ passwordHash: await argon2.hash('claim-pass-123') }).where(eq(staff.id, busy!));
    await session.login(b[0]!.email, 'claim-pass-123');
    for (const c of claimed) {
      const page = await session.get(`/reviews/${c.id}`);
      const res = await session.post(`/reviews/${c.id}/claim`, { round: '1', token: formToken(page.html) }, { 'HX-Request': 'true' });
      expect(res.status, res.html).toBe(200);
    }
    expect((await postRules('', (r) => (r.assignment = 'least_loaded'))).status).toBe(303);
    const next = [await submit({ name: '最少一' }), await submit({ name: '最少二' }), await submit({ name: '最少三' })];
    const assignees = await Promise.all(next.map(async (n) => (await findReview(app.database.db, n.id))?.assigneeId));
    expect(assignees.slice(0, 2)).toEqual([free, free]);
    // Loads are now equal (2 and 2): the third goes by turn, to either of them.
    expect([busy, free]).toContain(assignees[2]);
    const events = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'review.assign'), eq(auditLog.objectId, next[0]!.id)));
    expect(events[0]).toMatchObject({ actorType: 'system', details: { policy: 'least_loaded', assigneeId: free } });
  });
});

describe('staff and roles', () => {
  it('when an admin invites a reviewer, then the first password is shown once, must be changed at the first sign-in, and every step is audited', async () => {
    await admin.get('/admin/staff');
    const invited = await admin.postRaw(
      '/admin/staff',
      new URLSearchParams([['_csrf', admin.csrf], ['email', 'new.reviewer@test.local'], ['name', '新审核员'], ['role', 'reviewer'], ['language', 'zh-CN'], ['kinds', 'voice_template'], ['kinds', 'audio_file']]),
    );
    expect(invited.status, invited.html).toBe(303);
    const password = /id="initial-password" lang="zxx">([^<]+)</.exec((await admin.follow(invited)).html)?.[1];
    expect(password).toBeTruthy();
    const [row] = await app.database.db.select().from(staff).where(eq(staff.email, 'new.reviewer@test.local'));
    expect(row).toMatchObject({ role: 'reviewer', kinds: ['voice_template', 'audio_file'], mustChangePassword: true });
    expect(row!.passwordHash).not.toContain(password!);

    // The same e-mail again: refused beside the field, what was typed kept.
    await admin.get('/admin/staff');
    const twice = await admin.post('/admin/staff', { email: 'NEW.reviewer@test.local', name: '重复', role: 'reviewer', language: 'zh-CN' });
    expect(twice.status).toBe(409);
    expect(twice.html).toMatch(/data-field="email">该邮箱已被使用</);
    expect(twice.html).toContain('value="重复"');

    const member = new BackOfficeSession(app.url);
    await member.login('new.reviewer@test.local', password!);
    const first = await member.get('/queue');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/account/password');
    await member.get('/account/password');
    const short = await member.post('/account/password', { current: password!, next: 'short', confirm: 'short' });
    expect(short.status).toBe(422);
    expect(short.html).toMatch(/data-field="next">新密码至少10个字符</);
    const changed = await member.post('/account/password', { current: password!, next: 'a-long-new-password', confirm: 'a-long-new-password' });
    expect(changed.status).toBe(303);
    expect((await member.get('/queue')).status).toBe(200);

    // Deactivated: the session ends at once.
    await admin.get(`/admin/staff/${row!.id}`);
    expect((await admin.post(`/admin/staff/${row!.id}/active`, { active: '0', confirm: '1' })).status).toBe(303);
    expect((await member.get('/queue')).status).toBe(303);

    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.objectId, row!.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['staff.invite', 'staff.login', 'staff.password_change', 'staff.deactivate']));
  });

  it('when someone other than an admin opens any rules, calendar or staff route, then it is refused with 403 and nothing changes', async () => {
    const before = await app.database.db.select().from(auditLog);
    const routes: [string, string][] = [
      ['GET', '/admin/rules'],
      ['GET', '/admin/rules/voice_template'],
      ['GET', '/admin/rules/voice_template/versions/0'],
      ['POST', '/admin/rules/voice_template'],
      ['POST', '/admin/rules/voice_template/preview'],
      ['POST', '/admin/rules/voice_template/versions/1/restore'],
      ['POST', '/admin/rules/voice_template/versions/1/preview'],
      ['GET', '/admin/rules/no_such_kind'],
      ['GET', '/admin/calendar'],
      ['POST', '/admin/calendar'],
      ['POST', '/admin/calendar/preview'],
      ['GET', '/admin/staff'],
      ['POST', '/admin/staff'],
      ['GET', `/admin/staff/${adminId}`],
      ['POST', `/admin/staff/${adminId}`],
      ['POST', `/admin/staff/${adminId}/active`],
      ['POST', `/admin/staff/${adminId}/password`],
    ];
    for (const role of ['reviewer', 'supervisor', 'auditor'] as const) {
      const m = await app.addStaff(role);
      const s = new BackOfficeSession(app.url);
      await s.login(m.email, m.password);
      await s.get('/queue');
      for (const [method, path] of routes) {
        const res = method === 'GET' ? await s.get(path) : await s.post(path, { op: 'window', timeZone: 'UTC', opens: '00:00', closes: '23:00', active: '0', role: 'admin', name: 'x', language: 'en' });
        expect(res.status, `${role} ${method} ${path}`).toBe(403);
      }
    }
    const after = await app.database.db.select().from(auditLog);
    // Only the sign-ins were written.
    expect(after.filter((a) => !before.some((b) => b.id === a.id)).every((a) => a.action === 'staff.login')).toBe(true);
  });

  it('when an admin changes the calendar from its page, then the change is audited and the year view shows the day', async () => {
    await admin.get('/admin/calendar?year=2026');
    const bad = await admin.post('/admin/calendar', { op: 'window', year: '2026', timeZone: 'Mars/Base', opens: '09:00', closes: '18:00' });
    expect(bad.status).toBe(422);
    expect(bad.html).toMatch(/data-field="timeZone">[^<]*unknown/);
    expect(bad.html).toContain('value="Mars/Base"');
    const ok = await admin.post('/admin/calendar', { op: 'exception', year: '2026', date: '2026-12-14', kind: 'holiday', name: '测试日', nameEn: 'Test day' });
    expect(ok.status, ok.html).toBe(303);
    const page = await admin.get('/admin/calendar?year=2026');
    expect(page.html).toMatch(/<td class="holiday" data-date="2026-12-14" title="测试日">/);
    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'calendar.change'));
    expect(audit.at(-1)).toMatchObject({ actorId: adminId, details: { added: [{ date: '2026-12-14', kind: 'holiday' }] } });
  });
});

describe('open reminders', () => {
  it('when an admin changes how soon reminders must be answered, then an open reminder is due at the new time, in the read model and in its round', async () => {
    const realNow = app.web.deps.now;
    app.web.deps.now = () => new Date(Date.now() - 3 * 86_400_000);
    let v: View;
    try {
      v = await submit({ name: '催审规则' });
    } finally {
      app.web.deps.now = realNow;
    }
    const reminded = await app.api(tenant, 'POST', `/reviews/${v.id}/reminders`);
    expect(reminded.status, JSON.stringify(reminded.body)).toBe(202);
    const row = (await findReview(app.database.db, v.id))!;
    expect(row.reminderAnswerDueAt).not.toBeNull();

    const preview = await postRules('/preview', (r) => (r.reminders.answerWithin = { type: 'working_minutes', minutes: 480 }), '', { 'HX-Request': 'true' });
    expect(impactOf(preview.html)).toMatchObject({ remindersMoved: 1, unchanged: impactOf(preview.html).open });
    const saved = await postRules('', (r) => (r.reminders.answerWithin = { type: 'working_minutes', minutes: 480 }), 'a working day to answer');
    expect(saved.status).toBe(303);
    const { calendar } = await app.web.deps.calendar();
    const expected = computeDueAt(row.reminderLastAt!, { type: 'working_minutes', minutes: 480 }, calendar).toISOString();
    expect(expected).not.toBe(row.reminderAnswerDueAt!.toISOString());
    await expect.poll(async () => (await findReview(app.database.db, v.id))?.reminderAnswerDueAt?.toISOString(), { timeout: 30_000 }).toBe(expected);
    // The round hears of it by signal, a moment after the read model is written.
    const answerDue = async () => ((await temporal.workflow.getHandle(row.workflowId).query('state')) as { reminders: { open: { answerDueAt: string }[] } }).reminders.open.map((o) => o.answerDueAt);
    await expect.poll(answerDue, { timeout: 30_000 }).toEqual([expected]);
  });
});

describe('years without an official schedule', () => {
  it('when a deadline or the next 90 days reach a year with no schedule, then admins are warned, the review says weekdays count; a CSV import previewed and saved puts it right', async () => {
    const realNow = app.web.deps.now;
    // The holiday package ends with 2026: a submission on its last working afternoon runs into 2027.
    app.web.deps.now = () => new Date('2026-12-31T09:00:00Z');
    let v: View;
    try {
      v = await submit({ name: '跨年模板' });
      // Whatever the rule in force (earlier tests change it), an hour or more of working time runs into Friday 1 January 2027.
      const rule = (await inForce()).deadlines.review;
      const dueWithoutSchedule = computeDueAt(new Date('2026-12-31T09:00:00Z'), rule, (await app.web.deps.calendar()).calendar);
      expect(v.dueAt).toBe(dueWithoutSchedule.toISOString());
      expect(v.dueAt.slice(0, 10)).toBe('2027-01-01');
      const en = (await app.api(tenant, 'GET', `/reviews/${v.id}`, undefined, { 'accept-language': 'en' })).body.dueExplanation as string;
      expect(en).toContain('no official holiday schedule is loaded for 2027: its weekdays count as working days');
      expect((await admin.get(`/reviews/${v.id}`)).html).toContain('2027 年尚未载入官方节假日安排，该年按周一至周五为工作日计算');
      const dashboard = await admin.get('/dashboard');
      expect(dashboard.html).toContain('2027 年尚未载入官方节假日安排');
      expect(dashboard.html).toMatch(/受影响的进行中审核：[1-9]\d* 个/);
      const calendarPage = await admin.get('/admin/calendar?year=2027');
      expect(calendarPage.html).toContain('id="schedule-warning"');
      expect(calendarPage.html).toContain('2027 年尚未载入官方节假日安排。');

      const bad = await admin.post('/admin/calendar/preview', { op: 'csv', csvYear: '2027', csv: 'date,type,name\n2027-02-30,holiday,x\n2027-01-01,vacation,元旦\n2026-10-01,holiday,国庆' });
      expect(bad.status).toBe(422);
      expect(bad.html).toContain('第 2 行：“2027-02-30”不是“年-月-日”格式的有效日期');
      expect(bad.html).toContain('第 3 行：类型“vacation”无效，节假日写 holiday，调休上班写 workday');
      expect(bad.html).toContain('第 4 行：2026-10-01 不在 2027 年');
      expect(bad.html).toContain('2027-01-01,vacation');

      const csv = "date,type,name\n2027-01-01,holiday,元旦|New Year's Day\n2027-02-06,holiday,春节|Spring Festival\n2027-02-13,workday,春节|Spring Festival";
      const preview = await admin.post('/admin/calendar/preview', { op: 'csv', csvYear: '2027', csv }, { 'HX-Request': 'true' });
      expect(preview.status).toBe(200);
      expect(preview.html).toContain('2027 年：2 个节假日、1 个调休上班日。');
      expect(impactOf(preview.html).later).toBeGreaterThanOrEqual(1);
      const saved = await admin.post('/admin/calendar', { op: 'csv', csvYear: '2027', csv });
      expect(saved.status).toBe(303);
      const imported = (await loadCalendar(app.database.db))!;
      const dueWithSchedule = computeDueAt(new Date('2026-12-31T09:00:00Z'), (await inForce()).deadlines.review, createCalendar(imported.spec)).toISOString();
      expect(dueWithSchedule.slice(0, 10)).toBe('2027-01-04');
      await expect.poll(async () => (await findReview(app.database.db, v.id))?.dueAt.toISOString(), { timeout: 30_000 }).toBe(dueWithSchedule);
      const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'calendar.change'));
      expect(audit.at(-1)?.details).toMatchObject({ scheduleImported: { year: 2027, holidays: 2, makeUpDays: 1 } });
      await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${v.id}`, undefined, { 'accept-language': 'en' })).body.dueExplanation, { timeout: 10_000 }).not.toContain('no official holiday schedule');
      expect((await admin.get('/dashboard')).html).not.toContain('尚未载入官方节假日安排');
    } finally {
      app.web.deps.now = realNow;
    }
  });
});
