import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { findTenantApp } from '../../db/apps.js';
import { apps, auditLog, notificationOutbox, reviews, tenantServices } from '../../db/schema.js';
import { formatTime } from '../../domain/time-format.js';
import type { BusinessType } from '../../domain/business-types.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { validActivation } from '../support/kinds.js';
import { wavFile } from '../support/audio.js';
import { form } from '../support/files.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let reviewer: BackOfficeSession;
let admin: BackOfficeSession;
let reviewerId: string;

beforeAll(async () => {
  app = await startTestApp({ captureLogs: true });
  const r = await app.addStaff('reviewer');
  reviewerId = r.id;
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(r.email, r.password);
  const a = await app.addStaff('admin');
  admin = new BackOfficeSession(app.url);
  await admin.login(a.email, a.password);
});

afterAll(async () => {
  await app?.stop();
});

/** A tenant already granted these business types (how it got them is the service activation's story). */
async function tenantWith(...types: BusinessType[]): Promise<TestTenant> {
  const t = await app.addTenant();
  for (const businessType of types) await app.database.db.insert(tenantServices).values({ tenantId: t.tenant.id, businessType, state: 'active', activationId: `SA${'0'.repeat(16)}` });
  await addContact(app, t.tenant.id, { name: '孙悦', email: 'sun@example.com', mobile: '+8613300133000', subscriptions: ['quality_check_opt_out'] });
  return t;
}

const appBody = (over: Record<string, unknown> = {}) => ({ name: '快递通知_App', businessType: 'voice_notification', recording: true, qualityCheck: true, statusCallbackUrl: 'https://cb.example.com/status', ...over });

interface AppView {
  id: string;
  name: string;
  qualityCheck: boolean;
  recording: boolean;
  appKey: string;
  appSecret?: string;
  qualityCheckReview: null | { id: string; status: string; kind: string; appId: string; decision: null | { outcome: string; reasonCode: string; reasonText: string | null } };
}

async function create(t: TestTenant, over: Record<string, unknown> = {}): Promise<AppView> {
  const res = await app.api(t, 'POST', '/apps', appBody(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as AppView;
}

const auditOf = (appId: string) => app.database.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'app'), eq(auditLog.objectId, appId))).orderBy(auditLog.id);

describe('creating apps', () => {
  it('when a tenant creates an app, then the secret is shown once, kept only as a hash, never logged, and the creation is audited', async () => {
    const t = await tenantWith('voice_notification');
    const res = await app.api(t, 'POST', '/apps', appBody());
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const view = res.body as AppView;
    expect(view).toMatchObject({ name: '快递通知_App', businessType: 'voice_notification', status: 'normal', recording: true, qualityCheck: true, qualityCheckReview: null, statusCallbackUrl: 'https://cb.example.com/status', cdrCallbackUrl: null });
    expect(view.appKey).toMatch(/^[0-9a-f]{32}$/);
    expect(view.appSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const [row] = await app.database.db.select().from(apps).where(eq(apps.id, view.id));
    expect(row!.appSecretHash).toBe(createHash('sha256').update(view.appSecret!).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(view.appSecret);
    const read = await app.api(t, 'GET', `/apps/${view.id}`);
    expect(read.body).not.toHaveProperty('appSecret');
    expect((await app.api(t, 'GET', '/apps')).body.items.map((a: AppView) => [a.id, 'appSecret' in a])).toEqual([[view.id, false]]);
    expect((await auditOf(view.id)).map((a) => [a.action, a.actorType, a.actorId])).toEqual([['app.create', 'tenant', t.tenant.id]]);
    expect(JSON.stringify(await auditOf(view.id))).not.toContain(view.appSecret);
    expect(app.logLines.join('\n')).not.toContain(view.appSecret);
  });

  it.each([
    ['with a space', 'my app'],
    ['with a leading space', ' app'],
    ['with a hyphen', 'my-app'],
    ['with an emoji', 'app😀'],
    ['65 characters long', 'a'.repeat(65)],
    ['empty', ''],
  ])('when the name is %s, then 422 names the name field', async (_what, name) => {
    const t = await tenantWith('voice_notification');
    const res = await app.api(t, 'POST', '/apps', appBody({ name }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['name']);
  });

  it('when a name differs from another app’s only in letter case, then 409 name_taken; another tenant may use it', async () => {
    const t = await tenantWith('voice_notification', 'voice_callback');
    await create(t, { name: 'Courier_通知' });
    const again = await app.api(t, 'POST', '/apps', appBody({ name: 'courier_通知', businessType: 'voice_callback' }), { 'accept-language': 'zh-CN' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'name_taken', details: [{ path: 'name', message: '已有同名应用（不区分大小写）' }] });
    await create(await tenantWith('voice_notification'), { name: 'COURIER_通知' });
  });

  it.each([
    ['statusCallbackUrl', 'http://cb.example.com/status', 'must be an https URL'],
    ['statusCallbackUrl', 'https://cb.example.com/sta tus', 'must not contain spaces'],
    ['cdrCallbackUrl', ' https://cb.example.com/cdr', 'must not contain spaces'],
    ['cdrCallbackUrl', 'https://ops:secret@cb.example.com/cdr', 'must not contain a user name or password'],
    ['cdrCallbackUrl', 'cb.example.com/cdr', 'must be a full https URL'],
    ['statusCallbackUrl', 'https://', 'must be a full https URL'],
  ])('when %s is %j, then 422 names that field', async (field, url, message) => {
    const t = await tenantWith('voice_notification');
    const res = await app.api(t, 'POST', '/apps', appBody({ [field]: url }), { 'accept-language': 'en' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: field, message: expect.stringContaining(message) }]);
  });

  it('when the business type is not active, then 409 says which state it is in (never applied, pending until when, rejected why, cancelled, frozen) in the caller’s language', async () => {
    const t = await tenantWith();
    const refusal = async (name: string, lang: 'zh-CN' | 'en') => (await app.api(t, 'POST', '/apps', appBody({ name }), { 'accept-language': lang })).body.error;
    const none = await app.api(t, 'POST', '/apps', appBody());
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'service_not_applied', details: [{ path: 'businessType' }] });
    expect((await refusal('a', 'en')).message).toContain('Apply for it first');
    expect((await refusal('a', 'zh-CN')).message).toContain('尚未申请开通语音通知业务');

    const applied = await app.api(t, 'POST', '/service-activations', validActivation());
    const pending = await refusal('a', 'en');
    expect(pending.code).toBe('service_pending');
    const [review] = await app.database.db.select({ dueAt: reviews.dueAt }).from(reviews).where(eq(reviews.id, applied.body.id));
    expect(pending.message).toContain(formatTime(review!.dueAt, 'en'));
    expect((await refusal('a', 'zh-CN')).message).toContain(`预计于${formatTime(review!.dueAt, 'zh-CN')}前完成`);

    await decideInBackOffice(reviewer, applied.body.id, { outcome: 'rejected', reasonCode: 'other', reasonText: '业务场景描述过于笼统' });
    await expect.poll(async () => (await refusal('a', 'en')).code).toBe('service_rejected');
    expect((await refusal('a', 'en')).message).toContain('业务场景描述过于笼统');
    expect((await refusal('a', 'zh-CN')).message).toMatch(/未通过，原因：其他原因：业务场景描述过于笼统/);

    await app.database.db.update(tenantServices).set({ state: 'cancelled', reason: '长期未使用' }).where(eq(tenantServices.tenantId, t.tenant.id));
    expect(await refusal('a', 'en')).toMatchObject({ code: 'service_cancelled', message: expect.stringContaining('长期未使用') });
    await app.database.db.update(tenantServices).set({ state: 'active' }).where(eq(tenantServices.tenantId, t.tenant.id));
    await create(t);
    await app.database.db.update(tenantServices).set({ state: 'frozen', reason: '投诉核查中' }).where(eq(tenantServices.tenantId, t.tenant.id));
    const frozen = await refusal('second', 'zh-CN');
    expect(frozen).toMatchObject({ code: 'service_frozen', message: expect.stringContaining('已被冻结（投诉核查中）') });
    expect((await refusal('second', 'en')).message).toContain('is frozen (投诉核查中)');
  });

  it('when quality checks are asked for without recording, then 422 recording_required', async () => {
    const t = await tenantWith('voice_notification');
    const res = await app.api(t, 'POST', '/apps', appBody({ recording: false, qualityCheck: true }));
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'recording_required', details: [{ path: 'qualityCheck' }] });
  });
});

describe('the app quota', () => {
  it('when a tenant has 5 apps, then a 6th is 409 app_quota until an admin raises the quota on the tenant page (audited)', async () => {
    const t = await tenantWith('voice_notification');
    for (let i = 1; i <= 5; i++) await create(t, { name: `app_${i}` });
    const sixth = await app.api(t, 'POST', '/apps', appBody({ name: 'app_6' }));
    expect(sixth.status).toBe(409);
    expect(sixth.body.error.code).toBe('app_quota');

    const page = await admin.get(`/tenants/${t.tenant.id}`);
    expect(page.html).toContain('(5/5)');
    expect(page.html).toContain('app_3');
    const bad = await admin.post(`/tenants/${t.tenant.id}/app-quota`, { appQuota: '-1' });
    expect(bad.status).toBe(303);
    expect((await admin.follow(bad)).html).toMatch(/data-field="appQuota">[^<]+</);
    const raised = await admin.post(`/tenants/${t.tenant.id}/app-quota`, { appQuota: '6' });
    expect(raised.status).toBe(303);
    expect((await admin.follow(raised)).html).toContain('应用配额已由 5 改为 6');
    await create(t, { name: 'app_6' });
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'tenant.app_quota'), eq(auditLog.objectId, t.tenant.id)));
    expect(audit.map((a) => a.details)).toEqual([{ from: 5, to: 6 }]);

    await reviewer.get(`/tenants/${t.tenant.id}`);
    expect((await reviewer.post(`/tenants/${t.tenant.id}/app-quota`, { appQuota: '50' })).status).toBe(403);
  });

  it('when eight creations race against a quota of 5, then exactly five succeed', async () => {
    const t = await tenantWith('voice_notification');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => app.api(t, 'POST', '/apps', appBody({ name: `race_${i}` }))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'app_quota')).toBe(true);
    expect((await app.api(t, 'GET', '/apps')).body.items).toHaveLength(5);
  });
});

describe('changing apps', () => {
  it('when the secret is rotated, then the new one is shown once, the old hash is replaced and the rotation is audited', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    const rotated = await app.api(t, 'POST', `/apps/${view.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.appKey).toBe(view.appKey);
    expect(rotated.body.appSecret).not.toBe(view.appSecret);
    const [row] = await app.database.db.select().from(apps).where(eq(apps.id, view.id));
    expect(row!.appSecretHash).toBe(createHash('sha256').update(rotated.body.appSecret as string).digest('hex'));
    expect((await app.api(t, 'GET', `/apps/${view.id}`)).body).not.toHaveProperty('appSecret');
    expect((await auditOf(view.id)).map((a) => a.action)).toEqual(['app.create', 'app.secret_rotate']);
    expect(app.logLines.join('\n')).not.toContain(rotated.body.appSecret);
  });

  it('when the type is changed or recording turned off, then 422 names the rule; other changes apply at once and are audited with before and after', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t, { qualityCheck: false });
    const type = await app.api(t, 'PATCH', `/apps/${view.id}`, { businessType: 'voice_callback' });
    expect(type.status).toBe(422);
    expect(type.body.error).toMatchObject({ code: 'business_type_fixed', details: [{ path: 'businessType' }] });
    const recording = await app.api(t, 'PATCH', `/apps/${view.id}`, { recording: false });
    expect(recording.status).toBe(422);
    expect(recording.body.error).toMatchObject({ code: 'recording_irreversible', details: [{ path: 'recording' }] });
    const badUrl = await app.api(t, 'PATCH', `/apps/${view.id}`, { cdrCallbackUrl: 'https://cb.example.com/ cdr' });
    expect(badUrl.body.error.details).toEqual([{ path: 'cdrCallbackUrl', message: expect.any(String) }]);

    const changed = await app.api(t, 'PATCH', `/apps/${view.id}`, { name: 'Renamed_应用', status: 'disabled', statusCallbackUrl: null, qualityCheck: true, businessType: 'voice_notification' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Renamed_应用', status: 'disabled', statusCallbackUrl: null, qualityCheck: true, recording: true, businessType: 'voice_notification' });
    const update = (await auditOf(view.id)).find((a) => a.action === 'app.update');
    expect(update?.details).toEqual({
      changes: { name: { from: '快递通知_App', to: 'Renamed_应用' }, status: { from: 'normal', to: 'disabled' }, statusCallbackUrl: { from: 'https://cb.example.com/status', to: null }, qualityCheck: { from: false, to: true } },
    });
    // Number orders read apps through findTenantApp and status === 'normal'.
    expect((await findTenantApp(app.database.db, t.tenant.id, view.id))?.status).toBe('disabled');
    expect(await findTenantApp(app.database.db, t.tenant.id, 'not-a-uuid')).toBeUndefined();
  });

  it('when another tenant reads, changes or rotates an app, then it is not found', async () => {
    const t = await tenantWith('voice_notification');
    const intruder = await tenantWith('voice_notification');
    const view = await create(t);
    expect((await app.api(intruder, 'GET', `/apps/${view.id}`)).status).toBe(404);
    expect((await app.api(intruder, 'PATCH', `/apps/${view.id}`, { name: 'stolen' })).status).toBe(404);
    expect((await app.api(intruder, 'PATCH', `/apps/${view.id}`, { qualityCheck: false })).status).toBe(404);
    expect((await app.api(intruder, 'POST', `/apps/${view.id}/secret`)).status).toBe(404);
    expect((await app.api(intruder, 'GET', '/apps/not-a-uuid')).status).toBe(404);
    expect((await app.api(intruder, 'GET', '/apps')).body.items).toEqual([]);
    expect((await app.api(t, 'GET', `/apps/${view.id}`)).body.name).toBe(view.name);
  });
});

describe('turning quality checks off', () => {
  it('when a tenant turns checks off, then 202 with checks still on and a pending review; a second request is 409; approval turns them off', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    const other = await create(t, { name: 'other_app', qualityCheck: false });
    const off = await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false });
    expect(off.status).toBe(202);
    expect(off.body).toMatchObject({ qualityCheck: true, qualityCheckReview: { kind: 'quality_check_opt_out', status: 'pending', appId: view.id, appName: view.name } });
    const reviewId = off.body.qualityCheckReview.id as string;
    const again = await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'opt_out_pending', details: [{ path: 'qualityCheck' }] });
    expect((await app.api(t, 'GET', `/apps/${view.id}`)).body.qualityCheck).toBe(true);

    expect((await reviewer.get('/queue?kind=quality_check_opt_out')).html).toContain(`/reviews/${reviewId}`);
    const page = await reviewer.get(`/reviews/${reviewId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(view.name);
    expect(/id="app-quality-check">是</.test(page.html)).toBe(true);
    expect(/<table class="apps" id="other-apps">[\s\S]*other_app/.test(page.html)).toBe(true);

    expect((await decideInBackOffice(reviewer, reviewId, { outcome: 'approved' })).status).toBe(200);
    const after = await app.api(t, 'GET', `/apps/${view.id}`);
    expect(after.body).toMatchObject({ qualityCheck: false, recording: true, qualityCheckReview: { id: reviewId, status: 'approved' } });
    expect((await app.api(t, 'GET', `/apps/${other.id}`)).body.qualityCheck).toBe(false);
    const audit = await auditOf(view.id);
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([['app.create', 'tenant'], ['app.quality_check_opt_out_requested', 'tenant'], ['app.update', 'staff']]);
    expect(audit[2]).toMatchObject({ actorId: reviewerId, details: { changes: { qualityCheck: { from: true, to: false } } } });
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, reviewId));
    expect(notices.map((n) => `${n.event}/${n.channel}`).sort()).toEqual(['quality_check_opt_out.approved/email', 'quality_check_opt_out.approved/sms']);
    // Recording stays on for good, and checks can be turned on again at once.
    expect((await app.api(t, 'PATCH', `/apps/${view.id}`, { recording: false })).body.error.code).toBe('recording_irreversible');
    expect((await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: true })).body.qualityCheck).toBe(true);
  });

  it('when the request is rejected, then checks stay on, the contacts hear the reason and a new request may follow', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    const off = await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false });
    const reviewId = off.body.qualityCheck && off.body.qualityCheckReview.id;
    await decideInBackOffice(reviewer, reviewId, { outcome: 'rejected', reasonCode: 'checks_required' });
    const after = await app.api(t, 'GET', `/apps/${view.id}`, undefined, { 'accept-language': 'zh-CN' });
    expect(after.body).toMatchObject({ qualityCheck: true, qualityCheckReview: { id: reviewId, status: 'rejected', decision: { outcome: 'rejected', reasonCode: 'checks_required' } } });
    const [sms] = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, reviewId), eq(notificationOutbox.channel, 'sms')));
    expect(sms?.body).toContain('该业务需保留语音质检');
    const second = await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false });
    expect(second.status).toBe(202);
    expect(second.body.qualityCheckReview.id).not.toBe(reviewId);
  });

  it('when the request comes with other changes, then 422 opt_out_alone and nothing changes', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    const res = await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false, name: 'renamed' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('opt_out_alone');
    expect((await app.api(t, 'GET', `/apps/${view.id}`)).body).toMatchObject({ name: view.name, qualityCheck: true, qualityCheckReview: null });
  });

  it('when two requests race, or one is retried with its Idempotency-Key, then one review is opened', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    const raced = await Promise.all([1, 2, 3].map(() => app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false })));
    expect(raced.map((r) => r.status).sort()).toEqual([202, 409, 409]);

    const second = await create(t, { name: 'second_app' });
    const first = await app.api(t, 'PATCH', `/apps/${second.id}`, { qualityCheck: false }, { 'idempotency-key': 'qc-off-1' });
    const retried = await app.api(t, 'PATCH', `/apps/${second.id}`, { qualityCheck: false }, { 'idempotency-key': 'qc-off-1' });
    expect([first.status, retried.status]).toEqual([202, 202]);
    expect(retried.body.qualityCheckReview.id).toBe(first.body.qualityCheckReview.id);
    const requested = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, second.id), like(auditLog.action, 'app.quality_check_opt_out%')));
    expect(requested).toHaveLength(1);
  });
});

describe('the quality-check prompt and frozen apps', () => {
  /** An audio file of the tenant, approved by a reviewer once its automatic check passed. */
  async function approvedAudio(t: TestTenant, name = '质检提示音'): Promise<string> {
    const res = await app.api(t, 'POST', '/audio-files', form({ name, description: '录音前提示' }, { file: { name: 'prompt.wav', content: wavFile() } }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await expect.poll(async () => (await app.api(t, 'GET', `/audio-files/${res.body.subjectId}`)).body.formatCheck).toBe('passed');
    expect((await decideInBackOffice(reviewer, res.body.id, { outcome: 'approved' })).status).toBe(200);
    await expect.poll(async () => (await app.api(t, 'GET', `/audio-files/${res.body.subjectId}`)).body.status).toBe('approved');
    return res.body.subjectId as string;
  }

  it('when the prompt is set, then it needs recording and quality checks on (422) and an approved audio file of the tenant (409), in both languages', async () => {
    const t = await tenantWith('voice_notification');
    const other = await tenantWith('voice_notification');
    const plain = await create(t, { name: 'no_checks', recording: false, qualityCheck: false });
    const checked = await create(t, { name: 'with_checks' });
    const audio = await approvedAudio(t);
    const theirs = await approvedAudio(other);
    const pending = await app.api(t, 'POST', '/audio-files', form({ name: '待审提示音', description: '' }, { file: { name: 'p.wav', content: wavFile() } }));

    const noChecks = await app.api(t, 'PATCH', `/apps/${plain.id}`, { qualityCheckPromptAudioId: audio }, { 'accept-language': 'zh-CN' });
    expect(noChecks.status).toBe(422);
    expect(noChecks.body.error).toMatchObject({ code: 'prompt_requires_quality_check', details: [{ path: 'qualityCheckPromptAudioId', message: expect.stringContaining('需先开启录音和语音质检') }] });
    for (const id of [theirs, pending.body.subjectId as string, 'AF0000000000000000']) {
      const res = await app.api(t, 'PATCH', `/apps/${checked.id}`, { qualityCheckPromptAudioId: id }, { 'accept-language': 'en' });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'audio_not_approved', details: [{ path: 'qualityCheckPromptAudioId', message: expect.stringContaining('approved audio files') }] });
    }
    const malformed = await app.api(t, 'PATCH', `/apps/${checked.id}`, { qualityCheckPromptAudioId: 'not-an-id' });
    expect(malformed.status).toBe(422);
    const set = await app.api(t, 'PATCH', `/apps/${checked.id}`, { qualityCheckPromptAudioId: audio });
    expect(set.status).toBe(200);
    expect(set.body.qualityCheckPromptAudioId).toBe(audio);
    // Turning checks on and naming the prompt in one change is one change.
    const both = await app.api(t, 'PATCH', `/apps/${plain.id}`, { recording: true, qualityCheck: true, qualityCheckPromptAudioId: audio });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ qualityCheck: true, qualityCheckPromptAudioId: audio });
  });

  it('when the prompt’s audio file is deleted, then every app playing it plays none, the change is audited and the tenant’s contacts are told', async () => {
    const t = await tenantWith('voice_notification');
    await addContact(app, t.tenant.id, { name: '周洋', email: 'zhou@example.com', mobile: '+8613500135000', language: 'en', subscriptions: ['audio_file'] });
    const a = await create(t, { name: 'first' });
    const b = await create(t, { name: 'second' });
    const audio = await approvedAudio(t, '取件提示');
    for (const x of [a, b]) expect((await app.api(t, 'PATCH', `/apps/${x.id}`, { qualityCheckPromptAudioId: audio })).status).toBe(200);
    expect((await app.api(t, 'DELETE', `/audio-files/${audio}`)).status).toBe(200);
    for (const x of [a, b]) expect((await app.api(t, 'GET', `/apps/${x.id}`)).body.qualityCheckPromptAudioId).toBeNull();
    const audits = (await auditOf(a.id)).filter((r) => (r.details as { audioFileDeleted?: string }).audioFileDeleted === audio);
    expect(audits).toHaveLength(1);
    const notices = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.tenantId, t.tenant.id), eq(notificationOutbox.event, 'audio.prompt_cleared')));
    expect(notices.map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    expect(notices.find((n) => n.channel === 'email')?.body).toMatch(/取件提示.*first, second|first, second.*取件提示/s);
  });

  it('when the app’s business type is frozen, then no change of it is accepted (409 service_frozen), checks and prompt included; resumed, it changes again', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    await app.database.db.update(tenantServices).set({ state: 'frozen', reason: '投诉核查中' }).where(eq(tenantServices.tenantId, t.tenant.id));
    expect((await app.api(t, 'GET', `/apps/${view.id}`)).body.status).toBe('frozen');
    for (const change of [{ qualityCheck: false }, { statusCallbackUrl: 'https://cb.example.com/new' }, { status: 'disabled' }, { name: 'renamed' }]) {
      const res = await app.api(t, 'PATCH', `/apps/${view.id}`, change, { 'accept-language': 'zh-CN' });
      expect(res.status, JSON.stringify(change)).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'service_frozen', message: expect.stringContaining('冻结期间该类型的应用不能订购号码、不能修改') });
    }
    expect((await app.api(t, 'GET', `/apps/${view.id}`)).body).toMatchObject({ name: view.name, qualityCheck: true, qualityCheckReview: null });
    await app.database.db.update(tenantServices).set({ state: 'active' }).where(eq(tenantServices.tenantId, t.tenant.id));
    expect((await app.api(t, 'PATCH', `/apps/${view.id}`, { name: 'renamed' })).status).toBe(200);
  });

  it('when an opt-out is pending and the type is frozen, then approving it is refused in the reviewer’s words and checks stay on', async () => {
    const t = await tenantWith('voice_notification');
    const view = await create(t);
    const asked = await app.api(t, 'PATCH', `/apps/${view.id}`, { qualityCheck: false });
    expect(asked.status).toBe(202);
    await app.database.db.update(tenantServices).set({ state: 'frozen' }).where(eq(tenantServices.tenantId, t.tenant.id));
    const refused = await decideInBackOffice(reviewer, asked.body.qualityCheckReview.id, { outcome: 'approved' });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('租户的语音通知业务已冻结');
    expect((await findTenantApp(app.database.db, t.tenant.id, view.id))?.qualityCheck).toBe(true);
  });
});

describe('the OpenAPI document', () => {
  it('when it is requested, then it describes the apps routes and the audio file download', async () => {
    const doc = await (await fetch(`${app.url}/api/v1/openapi.json`)).json();
    expect(Object.keys(doc.paths['/apps']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/apps/{id}']).sort()).toEqual(['get', 'patch']);
    expect(doc.paths['/apps/{id}'].patch.responses).toHaveProperty('202');
    expect(doc.paths['/apps/{id}/secret'].post.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/AppWithSecret');
    expect(doc.paths['/audio-files/{id}/file'].get.responses).toHaveProperty('206');
    expect(doc.components.schemas.AppInput.required).toEqual(['name', 'businessType']);
    expect(doc.components.schemas.App.properties).not.toHaveProperty('appSecret');
  });
});
