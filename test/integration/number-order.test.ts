import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { loadCalendar } from '../../db/calendars.js';
import { findReview } from '../../db/reviews.js';
import { auditLog, enterprises, notificationOutbox, numbers, reviewEvents } from '../../db/schema.js';
import { beijingDate } from '../../domain/numbers.js';
import { workflowIdFor, type Actor } from '../../domain/review.js';
import { atRiskAt, computeDueAt, createCalendar } from '../../domain/working-time.js';
import { AT_RISK_SHARE } from '../../domain/rules.js';
import { createLogger } from '../../runtime/logger.js';
import { recomputeWorkflowId } from '../../temporal/recompute-client.js';
import { signalDueTimers } from '../../deadlines/signal-rounds.js';
import { changeDeadlineRule } from '../../server/use-cases/change-deadline-rule.js';
import type { RoundState } from '../../workflows/messages.js';
import { issueNumbersUpdate } from '../../workflows/fulfilment/messages.js';
import { BackOfficeSession, decideInBackOffice, formToken } from '../support/back-office.js';
import { approvedEnterprise, freshNumber, issuedNumbers, orderBody, tenantApp, written } from '../support/numbers.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let reviewer: BackOfficeSession;
let reviewerActor: Actor;
let temporal: Client;
let enterpriseId: string;
let appId: string;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  other = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '赵敏', email: 'zhao@example.com', mobile: '+8613700137000', subscriptions: ['number_order'] });
  const member = await app.addStaff('reviewer');
  reviewerActor = { id: member.id, name: member.name, role: 'reviewer' };
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(member.email, member.password);
  enterpriseId = await approvedEnterprise(app, tenant.tenant.id);
  appId = await tenantApp(app, tenant.tenant.id);
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), namespace: inject('temporalNamespace') });
});

afterAll(async () => {
  await temporal?.workflow.getHandle(recomputeWorkflowId(app.taskQueue)).terminate('test over').catch(() => undefined);
  await temporal?.connection.close();
  await app?.stop();
});

type OrderView = { id: string; subjectId: string; status: string; dueAt: string; cities: { city: string; count: number; issued: number }[] };

async function order(cities?: { city: string; count: number }[]): Promise<OrderView> {
  const res = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, appId, cities));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as OrderView;
}

const readOrder = async (o: OrderView) => (await app.api(tenant, 'GET', `/number-orders/${o.subjectId}`)).body as OrderView & { issuedAt: string | null };

/** Approves the order and waits until it is in provisioning. */
async function approved(cities?: { city: string; count: number }[]): Promise<OrderView> {
  const o = await order(cities);
  await expect.poll(async () => (await readOrder(o)).status).toBe('pending');
  expect((await decideInBackOffice(reviewer, o.id, { outcome: 'approved' })).status).toBe(200);
  await expect.poll(async () => (await readOrder(o)).status, { timeout: 20_000 }).toBe('provisioning');
  return readOrder(o);
}

/** Posts the issue form as a browser without JavaScript does: one textarea per city, by position. */
async function issue(reviewId: string, perCity: Record<number, string>, token?: string) {
  const page = await reviewer.get(`/reviews/${reviewId}`);
  const form: Record<string, string> = { round: '1', token: token ?? formToken(page.html) };
  for (const [i, text] of Object.entries(perCity)) form[`numbers_${i}`] = text;
  return reviewer.post(`/reviews/${reviewId}/numbers`, form);
}

describe('ordering numbers', () => {
  it('when the enterprise is not approved, not the tenant’s, or the app is not in normal state, then 422 says which', async () => {
    const pending = await approvedEnterprise(app, tenant.tenant.id, 'pending');
    const notApproved = await app.api(tenant, 'POST', '/number-orders', orderBody(pending, appId));
    expect(notApproved.status).toBe(422);
    expect(notApproved.body.error).toMatchObject({ code: 'enterprise_not_approved', details: [{ path: 'enterpriseId' }] });
    expect(notApproved.body.error.message).toContain('pending');

    const foreign = await app.api(other, 'POST', '/number-orders', orderBody(enterpriseId, await tenantApp(app, other.tenant.id)));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('enterprise_not_approved');

    const disabled = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, await tenantApp(app, tenant.tenant.id, 'disabled')));
    expect(disabled.status).toBe(422);
    expect(disabled.body.error).toMatchObject({ code: 'app_not_normal', details: [{ path: 'appId' }] });
    expect(disabled.body.error.message).toContain('disabled');

    for (const bad of [await tenantApp(app, other.tenant.id), 'not-a-uuid']) {
      const res = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, bad));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('app_not_normal');
    }
  });

  it('when an order has 33 cities, a count of 0 or 101, or a city twice, then 422 names the field; 32 cities of 100 are accepted', async () => {
    const cities = (n: number) => Array.from({ length: n }, (_, i) => ({ city: `城市${i + 1}`, count: 100 }));
    const tooMany = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, appId, cities(33)));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details.map((d: { path: string }) => d.path)).toEqual(['cities']);
    const none = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, appId, []));
    expect(none.status).toBe(422);
    for (const count of [0, 101, 1.5]) {
      const res = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, appId, [{ city: '北京', count }]));
      expect(res.status).toBe(422);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['cities.0.count']);
    }
    const twice = await app.api(tenant, 'POST', '/number-orders', orderBody(enterpriseId, appId, [{ city: '北京', count: 1 }, { city: '北京', count: 2 }]), { 'accept-language': 'zh-CN' });
    expect(twice.status).toBe(422);
    expect(twice.body.error.details).toEqual([{ path: 'cities.1.city', message: expect.stringContaining('北京') }]);
    const most = await order(cities(32));
    expect(most.cities).toHaveLength(32);
    expect(most.cities[31]).toEqual({ city: '城市32', count: 100, issued: 0 });
  });
});

describe('provisioning', () => {
  it('when the order is approved, then it moves to provisioning with its own deadline (10 working days from approval) and its own timers', async () => {
    const o = await approved();
    const row = (await findReview(app.database.db, o.id))!;
    expect(row.status).toBe('provisioning');
    const calendar = createCalendar((await loadCalendar(app.database.db))!.spec);
    const due = computeDueAt(row.decidedAt!, { type: 'end_of_working_day', days: 10 }, calendar);
    expect(row.stageStartedAt?.toISOString()).toBe(row.decidedAt!.toISOString());
    expect(row.dueAt.toISOString()).toBe(due.toISOString());
    expect(row.atRiskAt?.toISOString()).toBe(atRiskAt(row.decidedAt!, due, AT_RISK_SHARE, calendar).toISOString());
    expect(row.slaState).toBe('on_track');
    expect(o.dueAt).toBe(due.toISOString());
    const state = (await temporal.workflow.getHandle(workflowIdFor(o.id, 1)).query('state')) as RoundState;
    expect(state).toMatchObject({ stage: 'fulfilment', fulfilment: { complete: false, sla: 'on_track', deadline: { dueAt: due.toISOString() } } });
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, o.id));
    expect(notices.map((n) => n.event).sort()).toEqual(['number_order.approved', 'number_order.approved']);
  });

  it('when an admin changes the provisioning rule, then orders in provisioning get the new deadline from their approval and pending orders keep theirs', async () => {
    const inProvisioning = await approved([{ city: '深圳', count: 1 }]);
    const pending = await order([{ city: '广州', count: 1 }]);
    const pendingBefore = (await findReview(app.database.db, pending.id))!;
    const a = await app.addStaff('admin');
    const deps = { db: app.database.db, log: createLogger('silent'), recompute: { client: temporal, taskQueue: app.taskQueue } };
    const rule = { type: 'end_of_working_day', days: 3 } as const;
    const result = await changeDeadlineRule(deps, { id: a.id, name: a.name, role: 'admin' }, 'number_order', rule, 'fulfilment');
    expect(result).toMatchObject({ stage: 'fulfilment', before: { type: 'end_of_working_day', days: 10 }, after: rule, changed: true });
    const row = () => findReview(app.database.db, inProvisioning.id);
    const calendar = createCalendar((await loadCalendar(app.database.db))!.spec);
    const decidedAt = (await row())!.decidedAt!;
    await expect.poll(async () => (await row())!.dueAt.toISOString(), { timeout: 20_000 }).toBe(computeDueAt(decidedAt, rule, calendar).toISOString());
    // Its next timer moved earlier but days ahead: the deadline signaller tells the stage before it matters.
    const moved = (await row())!;
    expect(moved.timerSignalDueAt?.toISOString()).toBe(moved.atRiskAt?.toISOString());
    expect(await signalDueTimers(app.database.db, temporal, new Date(moved.atRiskAt!.getTime() - 60_000))).toBeGreaterThanOrEqual(1);
    await expect
      .poll(async () => ((await temporal.workflow.getHandle(workflowIdFor(inProvisioning.id, 1)).query('state')) as RoundState).fulfilment?.deadline.dueAt, { timeout: 20_000 })
      .toBe(computeDueAt(decidedAt, rule, calendar).toISOString());
    expect((await findReview(app.database.db, pending.id))!.dueAt.toISOString()).toBe(pendingBefore.dueAt.toISOString());
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'rules.change'), eq(auditLog.objectId, 'number_order')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).toContain('fulfilment');
    await changeDeadlineRule(deps, { id: a.id, name: a.name, role: 'admin' }, 'number_order', { type: 'end_of_working_day', days: 10 }, 'fulfilment');
    await expect(changeDeadlineRule(deps, { id: a.id, name: a.name, role: 'admin' }, 'voice_template', rule, 'fulfilment')).rejects.toMatchObject({ status: 422, details: [{ path: 'stage' }] });
  });

  it('when staff paste bad lines, too many numbers, a repeat or a number another tenant has, then nothing is issued and each problem names its city and line, with the text kept', async () => {
    const o = await approved([{ city: '北京', count: 2 }, { city: '上海', count: 1 }]);
    const [taken] = await issuedNumbers(app, other.tenant.id, 1);
    const a = freshNumber();
    const bad = await issue(o.id, { 0: `${written(a)}\n12345\n\n${written(taken!)}`, 1: `${written(a)}` });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('第 2 行');
    expect(bad.html).toContain('“12345”不是有效的固话号码');
    expect(bad.html).toContain(`上海 第 1 行：${a} 与 北京 第 1 行重复`);
    expect(bad.html).toContain(`北京 第 4 行：${taken} 已在平台上使用`);
    expect(bad.html).toContain('北京：还可下发 2 个，本次填写了 3 个');
    // What was typed is back in its textarea.
    expect(bad.html).toContain(`${written(a)}\n12345\n\n${written(taken!)}</textarea>`);
    expect(await app.database.db.select().from(numbers).where(eq(numbers.orderId, o.subjectId))).toEqual([]);
    expect((await app.api(tenant, 'GET', '/numbers')).body.items.map((n: { number: string }) => n.number)).not.toContain(a);
  });

  it('when part of an order is issued, then GET /numbers lists it with its rent start and the order stays in provisioning; the rest completes it and the contact hears each issue', async () => {
    const o = await approved([{ city: '北京', count: 2 }, { city: '上海', count: 1 }]);
    const [b1, b2, s1] = [freshNumber(), freshNumber(), freshNumber()];
    const first = await issue(o.id, { 0: `${written(b1!)}\n(010) ${b2!.slice(5, 9)} ${b2!.slice(9)}` });
    expect(first.status).toBe(303);
    const listed = (await app.api(tenant, 'GET', '/numbers')).body.items as { number: string; city: string; status: string; rentFrom: string }[];
    const today = beijingDate(new Date());
    expect(listed.filter((n) => [b1, b2].includes(n.number))).toEqual([
      expect.objectContaining({ number: b1, city: '北京', status: 'active', rentFrom: today }),
      expect.objectContaining({ number: b2, city: '北京', status: 'active', rentFrom: today }),
    ]);
    const partial = await readOrder(o);
    expect(partial.status).toBe('provisioning');
    expect(partial.cities).toEqual([{ city: '北京', count: 2, issued: 2 }, { city: '上海', count: 1, issued: 0 }]);
    const page = await reviewer.get(`/reviews/${o.id}`);
    expect(page.html).toContain('id="issue-form"');
    expect(page.html).not.toContain('name="numbers_0"');
    expect(page.html).toContain('name="numbers_1"');

    expect((await issue(o.id, { 1: s1! })).status).toBe(303);
    await expect.poll(async () => (await readOrder(o)).status).toBe('issued');
    expect((await readOrder(o)).issuedAt).not.toBeNull();
    expect((await reviewer.get(`/reviews/${o.id}`)).html).not.toContain('id="issue-form"');
    const notices = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, o.id), eq(notificationOutbox.event, 'number_order.issued')));
    expect(notices.map((n) => n.channel).sort()).toEqual(['email', 'email', 'sms', 'sms']);
    expect(notices.find((n) => n.channel === 'sms' && n.body.includes('3/3'))).toBeDefined();
    const events = await app.database.db.select().from(reviewEvents).where(eq(reviewEvents.reviewId, o.id));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['provisioning_started', 'numbers_issued', 'numbers_issued', 'issued']));
    expect(await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'numbers.issue'), eq(auditLog.objectId, o.subjectId)))).toHaveLength(2);
  });

  it('when the issue form is sent twice with one token, then the numbers are issued once', async () => {
    const o = await approved([{ city: '杭州', count: 3 }]);
    const page = await reviewer.get(`/reviews/${o.id}`);
    const token = formToken(page.html);
    const n = freshNumber();
    const [one, two] = await Promise.all([issue(o.id, { 0: n }, token), issue(o.id, { 0: n }, token)]);
    expect([one.status, two.status]).toEqual([303, 303]);
    expect((await issue(o.id, { 0: n }, token)).status).toBe(303);
    expect(await app.database.db.select().from(numbers).where(eq(numbers.number, n))).toHaveLength(1);
    expect((await readOrder(o)).cities).toEqual([{ city: '杭州', count: 3, issued: 1 }]);
  });

  it('when an issue reaches the workflow for an order still pending, for more than a city lacks, or from an auditor, then the validator refuses it in words', async () => {
    const pending = await order([{ city: '南京', count: 1 }]);
    const handle = (id: string) => temporal.workflow.getHandle(workflowIdFor(id, 1));
    const request = (id: string, numbersToIssue: string[], actor: Actor = reviewerActor) => ({ round: 1, requestKey: `k-${id}-${numbersToIssue.length}-${actor.role}`, cities: [{ city: '南京', numbers: numbersToIssue }], actor });
    await expect.poll(async () => (await readOrder(pending)).status).toBe('pending');
    await expect(handle(pending.id).executeUpdate(issueNumbersUpdate, { args: [request(pending.id, [freshNumber()])] })).rejects.toMatchObject({ cause: { message: 'not_provisioning' } });
    const o = await approved([{ city: '南京', count: 1 }]);
    await expect(handle(o.id).executeUpdate(issueNumbersUpdate, { args: [request(o.id, [freshNumber(), freshNumber()])] })).rejects.toMatchObject({ cause: { message: 'over_issue', details: [{ params: { city: '南京', ordered: '1', issued: '0', adding: '2' } }] } });
    const auditor = await app.addStaff('auditor');
    await expect(handle(o.id).executeUpdate(issueNumbersUpdate, { args: [request(o.id, [freshNumber()], { id: auditor.id, name: auditor.name, role: 'auditor' })] })).rejects.toMatchObject({ cause: { message: 'role_may_not_issue' } });
    const session = new BackOfficeSession(app.url);
    await session.login(auditor.email, auditor.password);
    const page = await session.get(`/reviews/${o.id}`);
    expect(page.html).not.toContain('id="issue-form"');
    expect((await session.post(`/reviews/${o.id}/numbers`, { round: '1', token: 'a'.repeat(24), numbers_0: freshNumber() })).status).toBe(403);
  });
});

describe('the platform’s gates on orders', () => {
  let supervisor: BackOfficeSession;
  beforeAll(async () => {
    const s = await app.addStaff('supervisor');
    supervisor = new BackOfficeSession(app.url);
    await supervisor.login(s.email, s.password);
  });

  const post = (body: unknown, lang: 'zh-CN' | 'en' = 'en') => app.api(tenant, 'POST', '/number-orders', body, { 'accept-language': lang });
  const freeze = async (businessType: string) => (await supervisor.get(`/tenants/${tenant.tenant.id}`), supervisor.post(`/tenants/${tenant.tenant.id}/services/${businessType}/freeze`, { reason: '投诉核查中', confirm: '1' }));
  const resume = (businessType: string) => supervisor.post(`/tenants/${tenant.tenant.id}/services/${businessType}/resume`, { reason: '核查完毕' });

  it('when the enterprise did not apply for fixed lines, then 409 enterprise_not_fixed_line says so and what to do, in both languages', async () => {
    const noFixedLine = await approvedEnterprise(app, tenant.tenant.id, 'approved', { fixedLine: false });
    const en = await post(orderBody(noFixedLine, appId));
    expect(en.status).toBe(409);
    expect(en.body.error).toMatchObject({ code: 'enterprise_not_fixed_line', details: [{ path: 'enterpriseId' }] });
    expect(en.body.error.message).toContain('every number the platform issues is a fixed-line number');
    const zh = await post(orderBody(noFixedLine, appId), 'zh-CN');
    expect(zh.body.error.message).toContain('未申请固话号码');
    expect(zh.body.error.message).toContain('请添加一个申请固话号码');
  });

  it('when the enterprise is qualified for another business type than the app’s, then 409 enterprise_type_mismatch names both types', async () => {
    const callbackEnterprise = await approvedEnterprise(app, tenant.tenant.id, 'approved', { businessType: 'voice_callback' });
    const en = await post(orderBody(callbackEnterprise, appId));
    expect(en.status).toBe(409);
    expect(en.body.error.code).toBe('enterprise_type_mismatch');
    expect(en.body.error.message).toMatch(/qualified for Voice callback, but app .* is Voice notification/);
    expect((await post(orderBody(callbackEnterprise, appId), 'zh-CN')).body.error.message).toContain('资质业务类型为语音回呼');
  });

  it('when the app’s business type is frozen, then the order is 409 service_frozen, GET /apps shows the app frozen, and resuming restores both', async () => {
    const other = await tenantApp(app, tenant.tenant.id, 'normal', 'voice_verification_code');
    const enterprise = await approvedEnterprise(app, tenant.tenant.id, 'approved', { businessType: 'voice_verification_code' });
    expect((await freeze('voice_verification_code')).status).toBe(303);
    const en = await post(orderBody(enterprise, other));
    expect(en.status).toBe(409);
    expect(en.body.error).toMatchObject({ code: 'service_frozen', details: [{ path: 'appId' }] });
    expect(en.body.error.message).toContain('投诉核查中');
    expect((await post(orderBody(enterprise, other), 'zh-CN')).body.error.message).toContain('语音验证码业务已被冻结');
    const listed = (await app.api(tenant, 'GET', '/apps')).body.items as { id: string; status: string }[];
    expect(listed.find((a) => a.id === other)?.status).toBe('frozen');
    expect(listed.find((a) => a.id === appId)?.status).toBe('normal');
    const page = await supervisor.get(`/tenants/${tenant.tenant.id}`);
    expect(page.html).toMatch(/app-status-frozen/);
    expect((await resume('voice_verification_code')).status).toBe(303);
    expect(((await app.api(tenant, 'GET', '/apps')).body.items as { id: string; status: string }[]).find((a) => a.id === other)?.status).toBe('normal');
    expect((await post(orderBody(enterprise, other))).status).toBe(201);
  });

  it('when the type is frozen between intake and approval, then the approval is refused in the reviewer’s words and the order stays pending; resumed, it is approved', async () => {
    const o = await order();
    await expect.poll(async () => (await readOrder(o)).status).toBe('pending');
    await freeze('voice_notification');
    const refused = await decideInBackOffice(reviewer, o.id, { outcome: 'approved' });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('租户的语音通知业务已冻结');
    reviewer.setCookie('vrd_lang', 'en');
    const inEnglish = await decideInBackOffice(reviewer, o.id, { outcome: 'approved' });
    reviewer.setCookie('vrd_lang', 'zh-CN');
    expect(inEnglish.html).toContain('The tenant’s Voice notification service is frozen');
    expect((await readOrder(o)).status).toBe('pending');
    await resume('voice_notification');
    expect((await decideInBackOffice(reviewer, o.id, { outcome: 'approved' })).status).toBe(200);
    await expect.poll(async () => (await readOrder(o)).status, { timeout: 20_000 }).toBe('provisioning');
  });

  it('when the enterprise changes between intake and approval (its fixed-line letters withdrawn, its type another), then approving is refused naming what changed', async () => {
    const enterprise = await approvedEnterprise(app, tenant.tenant.id);
    const placed = await post(orderBody(enterprise, appId));
    expect(placed.status).toBe(201);
    await expect.poll(async () => (await readOrder(placed.body)).status).toBe('pending');
    // Corrected by the platform after intake (no tenant edit of an approved enterprise touches these).
    await app.database.db.update(enterprises).set({ fixedLine: false }).where(eq(enterprises.id, enterprise));
    const noLetters = await decideInBackOffice(reviewer, placed.body.id, { outcome: 'approved' });
    expect(noLetters.status).toBe(409);
    expect(noLetters.html).toContain('未申请固话号码');
    await app.database.db.update(enterprises).set({ fixedLine: true, businessType: 'voice_callback' }).where(eq(enterprises.id, enterprise));
    const otherType = await decideInBackOffice(reviewer, placed.body.id, { outcome: 'approved' });
    expect(otherType.status).toBe(409);
    expect(otherType.html).toContain('资质业务类型（语音回呼）与应用');
    expect((await readOrder(placed.body)).status).toBe('pending');
  });

  it('when the type is frozen while the order is provisioning, then issuing numbers is refused; resumed, they are issued', async () => {
    const o = await approved([{ city: '北京', count: 1 }]);
    await freeze('voice_notification');
    const number = freshNumber();
    const refused = await issue(o.id, { 0: written(number) });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('租户的语音通知业务已冻结');
    expect(await app.database.db.select().from(numbers).where(eq(numbers.number, number))).toHaveLength(0);
    await resume('voice_notification');
    const done = await issue(o.id, { 0: written(number) });
    expect(done.status).toBeLessThan(400);
    await expect.poll(async () => (await readOrder(o)).status).toBe('issued');
  });

  it('when the order names one of the tenant’s contacts, then that contact hears the order’s notices even unsubscribed; an unknown contact, or both ways at once, is 422', async () => {
    const contact = await app.api(tenant, 'POST', '/contacts', { name: '钱经理', mobile: '13600136000', email: 'qian@example.com', language: 'en', subscriptions: [] });
    expect(contact.status).toBe(201);
    const { contact: _, ...withoutInline } = orderBody(enterpriseId, appId);
    const placed = await post({ ...withoutInline, contactId: contact.body.id });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body).toMatchObject({ contactId: contact.body.id, contact: { name: '钱经理', mobile: '+8613600136000' } });
    await expect.poll(async () => (await readOrder(placed.body)).status).toBe('pending');
    expect((await decideInBackOffice(reviewer, placed.body.id, { outcome: 'approved' })).status).toBe(200);
    await expect
      .poll(async () => (await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, placed.body.id), eq(notificationOutbox.contactId, contact.body.id)))).map((n) => n.channel).sort())
      .toEqual(['email', 'sms']);

    const unknown = await post({ ...withoutInline, contactId: '00000000-0000-4000-8000-000000000000' }, 'zh-CN');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ path: 'contactId', message: expect.stringContaining('没有该联系人') }]);
    const both = await post({ ...orderBody(enterpriseId, appId), contactId: contact.body.id });
    expect(both.status).toBe(422);
    expect(both.body.error.details[0].path).toBe('contact');
    const neither = await post(withoutInline);
    expect(neither.status).toBe(422);
    expect(neither.body.error.details[0]).toMatchObject({ path: 'contactId', message: expect.stringContaining('contactId') });
  });
});
