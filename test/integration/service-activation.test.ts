import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, declarationAcceptances, notificationOutbox } from '../../db/schema.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { validActivation } from '../support/kinds.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let reviewer: BackOfficeSession;
let supervisor: BackOfficeSession;
let supervisorId: string;

beforeAll(async () => {
  app = await startTestApp();
  const r = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(r.email, r.password);
  const s = await app.addStaff('supervisor');
  supervisorId = s.id;
  supervisor = new BackOfficeSession(app.url);
  await supervisor.login(s.email, s.password);
});

afterAll(async () => {
  await app?.stop();
});

async function newTenant(): Promise<TestTenant> {
  const t = await app.addTenant();
  await addContact(app, t.tenant.id, { name: '赵强', email: 'zhao@example.com', mobile: '+8613700137000', subscriptions: ['service_activation'] });
  return t;
}

const services = async (t: TestTenant) => Object.fromEntries(((await app.api(t, 'GET', '/services')).body.items as { businessType: string; state: string }[]).map((s) => [s.businessType, s.state]));

async function apply(t: TestTenant, over: Record<string, unknown> = {}) {
  const res = await app.api(t, 'POST', '/service-activations', validActivation(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; subjectId: string; status: string; dueAt: string; submittedAt: string };
}

describe('service activation', () => {
  it('when a tenant applies, then the type is pending, a second application for it is 409 and another type is independent', async () => {
    const t = await newTenant();
    const view = await apply(t);
    expect(view).toMatchObject({ kind: 'service_activation', status: 'pending', round: 1, businessType: 'voice_notification', serviceState: 'pending' });
    expect(view.subjectId).toMatch(/^SA[0-9A-Z]{16}$/);
    expect(await services(t)).toEqual({ voice_callback: 'none', voice_notification: 'pending', voice_verification_code: 'none' });
    const again = await app.api(t, 'POST', '/service-activations', validActivation());
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_applied', details: [{ path: 'businessType' }] });
    await apply(t, { businessType: 'voice_callback' });
  });

  it('when two applications for one type race, then exactly one is accepted', async () => {
    const t = await newTenant();
    const results = await Promise.all([1, 2, 3].map(() => app.api(t, 'POST', '/service-activations', validActivation({ businessType: 'voice_verification_code' }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('when the survey breaks its limits, then 422 names each field', async () => {
    const t = await newTenant();
    const res = await app.api(t, 'POST', '/service-activations', validActivation({ scenario: 'x'.repeat(257), script: '', carrier: { type: 'fax', name: 'x' }, expectedDailyMinutes: -1, businessType: 'sms' }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['businessType', 'carrier.type', 'expectedDailyMinutes', 'scenario', 'script']);
  });

  it('when approved, then the type is active, the grant is audited as createVoiceCallService and the contact gets an SMS', async () => {
    const t = await newTenant();
    const view = await apply(t);
    const res = await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    expect(res.status).toBe(200);
    expect(await services(t)).toMatchObject({ voice_notification: 'active' });
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'createVoiceCallService'), eq(auditLog.objectId, `${t.tenant.id}:voice_notification`)));
    expect(audit).toHaveLength(1);
    const sms = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, view.id), eq(notificationOutbox.channel, 'sms')));
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toContain('开通服务');
    expect((await app.api(t, 'POST', '/service-activations', validActivation())).status).toBe(409);
  });

  it('when rejected, then the tenant edits and resubmits it as a new round; a pending one cannot be resubmitted', async () => {
    const t = await newTenant();
    const view = await apply(t);
    expect((await app.api(t, 'PUT', `/service-activations/${view.subjectId}`, validActivation())).status).toBe(409);
    await decideInBackOffice(reviewer, view.id, { outcome: 'rejected', reasonCode: 'scenario_unclear' });
    expect(await services(t)).toMatchObject({ voice_notification: 'rejected' });
    const changedType = await app.api(t, 'PUT', `/service-activations/${view.subjectId}`, validActivation({ businessType: 'voice_callback' }));
    expect(changedType.status).toBe(422);
    const again = await app.api(t, 'PUT', `/service-activations/${view.subjectId}`, validActivation({ scenario: '快递到达后，按收件人预约时间电话通知取件' }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'pending', round: 2, decision: null, serviceState: 'pending' });
    expect(Date.parse(again.body.submittedAt)).toBeGreaterThan(Date.parse(view.submittedAt));
  });

  it('when a supervisor freezes, resumes and cancels the service with reasons, then each is audited, told to the contacts and shown by GET /services', async () => {
    const t = await newTenant();
    const view = await apply(t);
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    await supervisor.get(`/tenants/${t.tenant.id}`);
    const noReason = await supervisor.post(`/tenants/${t.tenant.id}/services/voice_notification/freeze`, { reason: '' });
    expect(noReason.status).toBe(303);
    expect((await supervisor.get(noReason.headers.get('location')!)).html).toMatch(/id="service-voice_notification-freeze"[\s\S]*?data-field="reason"/);
    expect(await services(t)).toMatchObject({ voice_notification: 'active' });
    const frozen = await supervisor.post(`/tenants/${t.tenant.id}/services/voice_notification/freeze`, { reason: '投诉较多，暂停核查' });
    expect(frozen.status).toBe(303);
    expect((await supervisor.get(frozen.headers.get('location')!)).html).toContain('已通知 1 位联系人');
    expect(await services(t)).toMatchObject({ voice_notification: 'frozen' });
    expect((await app.api(t, 'POST', '/service-activations', validActivation())).status).toBe(409);
    await supervisor.post(`/tenants/${t.tenant.id}/services/voice_notification/resume`, { reason: '核查完毕' });
    expect(await services(t)).toMatchObject({ voice_notification: 'active' });
    await supervisor.post(`/tenants/${t.tenant.id}/services/voice_notification/cancel`, { reason: '租户要求关闭' });
    expect(await services(t)).toMatchObject({ voice_notification: 'cancelled' });
    expect((await app.api(t, 'GET', `/reviews/${view.id}`)).body.status).toBe('cancelled');

    const actions = await app.database.db.select().from(auditLog).where(eq(auditLog.objectId, `${t.tenant.id}:voice_notification`));
    expect(actions.map((a) => a.action)).toEqual(['createVoiceCallService', 'freezeVoiceCallService', 'resumeVoiceCallService', 'cancelVoiceCallService']);
    expect(actions.slice(1).every((a) => a.actorId === supervisorId && (a.details as { reason?: string }).reason)).toBe(true);
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.tenantId, t.tenant.id));
    expect(notices.filter((n) => n.channel === 'sms').map((n) => n.event).sort()).toEqual(['service.cancelled', 'service.frozen', 'service.resumed', 'service_activation.approved']);

    const reapplied = await apply(t);
    expect(reapplied.subjectId).not.toBe(view.subjectId);
  });

  it('when a reviewer tries to freeze a service, then it is refused', async () => {
    const t = await newTenant();
    const view = await apply(t);
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    await reviewer.get('/queue');
    const res = await reviewer.post(`/tenants/${t.tenant.id}/services/voice_notification/freeze`, { reason: 'x' });
    expect(res.status).toBe(403);
    expect(await services(t)).toMatchObject({ voice_notification: 'active' });
  });

  it('when submitted on a working day at 10:00, then it is due at 18:00 the same day', async () => {
    const t = await newTenant();
    const deps = { ...app.web.deps, now: () => new Date('2026-11-09T02:00:00Z') };
    const { submitJson } = await import('../../server/use-cases/intake/submit.js');
    const row = await submitJson(deps, t.tenant, 'service_activation', validActivation({ businessType: 'voice_callback' }));
    expect(row.dueAt.toISOString()).toBe('2026-11-09T10:00:00.000Z');
    const late = await submitJson({ ...deps, now: () => new Date('2026-11-09T11:30:00Z') }, t.tenant, 'service_activation', validActivation({ businessType: 'voice_verification_code' }));
    expect(late.dueAt.toISOString()).toBe('2026-11-10T10:00:00.000Z');
  });
});

describe('the voice-call service statement', () => {
  it('when an application does not name the statement’s version in force, then 422 in the caller’s language; an accepted one is kept and shown to the reviewer', async () => {
    const t = await app.addTenant();
    const { declaration: _, ...undeclared } = validActivation();
    const en = await app.api(t, 'POST', '/service-activations', undeclared, { 'accept-language': 'en' });
    expect(en.status).toBe(422);
    expect(en.body.error).toMatchObject({ code: 'declaration_required', details: [{ path: 'declaration', message: expect.stringContaining('read and accept the Voice-call service statement') }] });
    const zh = await app.api(t, 'POST', '/service-activations', undeclared, { 'accept-language': 'zh-CN' });
    expect(zh.body.error.message).toContain('请先阅读并同意《语音通话服务使用声明》');
    expect((await app.api(t, 'POST', '/service-activations', validActivation({ declaration: 1 }))).body.error.code).toBe('declaration_unknown');
    const accepted = await app.api(t, 'POST', '/service-activations', validActivation());
    expect(accepted.status).toBe(201);
    const [row] = await app.database.db.select().from(declarationAcceptances).where(eq(declarationAcceptances.reviewId, accepted.body.id));
    expect(row).toMatchObject({ declarationId: 'service_statement', version: 1, round: 1 });
    const page = await reviewer.get(`/reviews/${accepted.body.id}`);
    expect(page.html).toContain('《语音通话服务使用声明》 第 1 版');
    // A resubmission after a rejection ticks it again.
    await decideInBackOffice(reviewer, accepted.body.id, { outcome: 'rejected', reasonCode: 'other', reasonText: '请补充场景' });
    await expect.poll(async () => (await app.api(t, 'GET', `/service-activations/${accepted.body.subjectId}`)).body.status).toBe('rejected');
    expect((await app.api(t, 'PUT', `/service-activations/${accepted.body.subjectId}`, undeclared)).body.error.code).toBe('declaration_required');
    expect((await app.api(t, 'PUT', `/service-activations/${accepted.body.subjectId}`, validActivation())).status).toBe(200);
  });
});
