import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, notificationOutbox, reviewEvents } from '../../db/schema.js';
import { workflowIdFor } from '../../domain/review.js';
import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let temporal: Client;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  other = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '张伟', email: 'zhang@example.com', mobile: '+8613800138000', subscriptions: ['voice_template'] });
  await addContact(app, tenant.tenant.id, { name: 'Emily', email: 'emily@example.com', mobile: '+8613900139000', language: 'en', subscriptions: ['voice_template', 'audio_file'] });
  await addContact(app, tenant.tenant.id, { name: 'Not subscribed', email: 'nobody@example.com', mobile: '+8613700137000', subscriptions: ['audio_file'] });
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), namespace: inject('temporalNamespace') });
});

afterAll(async () => {
  await temporal?.connection.close();
  await app?.stop();
});

async function submit(over: Record<string, unknown> = {}) {
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate(over));
  expect(res.status).toBe(201);
  return res.body as { id: string; templateId: string; round: number; status: string; dueAt: string; submittedAt: string };
}

async function reviewer(role: 'reviewer' | 'supervisor' | 'admin' | 'auditor' = 'reviewer') {
  const member = await app.addStaff(role);
  const session = new BackOfficeSession(app.url);
  await session.login(member.email, member.password);
  return { member, session };
}

async function decide(session: BackOfficeSession, reviewId: string, form: Record<string, string>, token?: string) {
  const page = await session.get(`/reviews/${reviewId}`);
  return session.post(`/reviews/${reviewId}/decision`, { round: '1', token: token ?? formToken(page.html), ...form }, { 'HX-Request': 'true' });
}

describe('voice template submission', () => {
  it('when a tenant submits a valid template, then it answers 201 with a pending review whose deadline follows the default rule', async () => {
    const view = await submit();
    expect(view).toMatchObject({ kind: 'voice_template', status: 'pending', round: 1, decision: null, reminder: { status: 'none', count: 0, lastAt: null } });
    expect(view.templateId).toMatch(/^VT[0-9A-Z]{16}$/);
    expect(Date.parse(view.dueAt)).toBeGreaterThan(Date.parse(view.submittedAt));
    const again = await app.api(tenant, 'GET', `/reviews/${view.id}`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(view.id);
    expect(again.body.dueExplanation).toMatch(/540/);
  });

  it('when a template passes its automatic check, then intake records the check with the submission, the 201 shows what was written, and the worker runs no check of its own', async () => {
    const view = await submit({ name: 'checked_at_intake' });
    // In the submission's transaction: there before any worker could have run.
    const events = await app.database.db.select({ type: reviewEvents.type }).from(reviewEvents).where(eq(reviewEvents.reviewId, view.id)).orderBy(reviewEvents.id);
    expect(events.map((e) => e.type)).toEqual(['submitted', 'precheck_passed']);
    expect(view).toMatchObject({ name: 'checked_at_intake', content: validTemplate().content, speed: validTemplate().speed });
    const handle = temporal.workflow.getHandle(workflowIdFor(view.id, 1));
    let history = await handle.fetchHistory();
    for (let i = 0; i < 100 && !history.events?.some((e) => e.workflowTaskCompletedEventAttributes); i++) {
      await new Promise((r) => setTimeout(r, 100));
      history = await handle.fetchHistory();
    }
    expect(history.events?.some((e) => e.workflowTaskCompletedEventAttributes)).toBe(true);
    // Neither the check as a local activity (a marker) nor as an activity task.
    expect(history.events?.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity' || e.activityTaskScheduledEventAttributes)).toBe(false);
    const passed = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, view.id), eq(reviewEvents.type, 'precheck_passed')));
    expect(passed).toHaveLength(1);
  });

  it('when the same Idempotency-Key is retried, then the same review comes back and a different body under it is refused', async () => {
    const key = `k-${Date.now()}`;
    const a = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: 'idem' }), { 'idempotency-key': key });
    const b = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: 'idem' }), { 'idempotency-key': key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const c = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: 'other' }), { 'idempotency-key': key });
    expect(c.status).toBe(422);
    expect(c.body.error.details[0].path).toBe('Idempotency-Key');
  });

  it('when fields are invalid, then 422 names every bad field and the unknown variable', async () => {
    const res = await app.api(tenant, 'POST', '/voice-templates', {
      name: 'has space',
      speed: 'warp',
      speaker: 'nobody',
      content: '您好${FOO}和${TXT_33}',
      scenario: '',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'speed', 'speaker', 'content', 'scenario']));
    const content = res.body.error.details.filter((d: { path: string }) => d.path === 'content').map((d: { message: string }) => d.message).join(' ');
    expect(content).toContain('${FOO}');
    expect(content).toContain('${TXT_33}');
  });

  it('when the body is not JSON, the key is missing or the id is foreign, then 400, 401 and 404 in the error shape', async () => {
    const malformed = await app.api(tenant, 'POST', '/voice-templates', '{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
    const anonymous = await fetch(`${app.url}/api/v1/reviews`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('unauthorized');
    const mine = await submit({ name: 'mine' });
    const foreign = await app.api(other, 'GET', `/reviews/${mine.id}`);
    expect(foreign.status).toBe(404);
    expect((await app.api(other, 'PUT', `/voice-templates/${mine.templateId}`, validTemplate())).status).toBe(404);
    expect((await app.api(tenant, 'GET', '/reviews/not-a-uuid')).status).toBe(404);
    expect((await app.api(tenant, 'GET', '/reviews/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('deciding a voice template', () => {
  it('when a reviewer approves, then the tenant sees approved, contacts subscribed to template results get outbox rows, and it is audited', async () => {
    const view = await submit({ name: '到件通知' });
    const queue = await reviewer();
    const list = await queue.session.get('/queue');
    expect(list.html).toContain(view.id);

    const res = await decide(queue.session, view.id, { outcome: 'approved' });
    expect(res.status).toBe(200);
    expect(res.html).toContain('id="review-panel"');
    expect(res.html).toMatch(/status-approved/);

    const api = await app.api(tenant, 'GET', `/reviews/${view.id}`);
    expect(api.body.status).toBe('approved');
    expect(api.body.decision).toMatchObject({ outcome: 'approved', reasonCode: null });

    const outbox = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, view.id));
    expect(outbox.map((o) => `${o.channel}:${o.recipient}`).sort()).toEqual(
      ['email:emily@example.com', 'email:zhang@example.com', 'sms:+8613800138000', 'sms:+8613900139000'],
    );
    expect(outbox.every((o) => o.state === 'queued' && o.event === 'voice_template.approved')).toBe(true);
    expect(outbox.find((o) => o.recipient === 'zhang@example.com')?.body).toContain('到件通知');
    expect(outbox.find((o) => o.recipient === 'emily@example.com')?.subject).toContain('approved');

    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, view.id), eq(auditLog.action, 'review.approve')));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actorId).toBe(queue.member.id);
  });

  it('when a second reviewer decides an approved review, then 409 says who decided', async () => {
    const view = await submit({ name: '第二次' });
    const first = await reviewer();
    const second = await reviewer();
    const secondPage = await second.session.get(`/reviews/${view.id}`);
    await decide(first.session, view.id, { outcome: 'approved' });
    const res = await decide(second.session, view.id, { outcome: 'rejected', reasonCode: 'content_unclear' }, formToken(secondPage.html));
    expect(res.status).toBe(409);
    expect(res.html).toContain(`已由 ${first.member.name} 于`);
    expect(res.html).toMatch(/于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 审核通过/);
  });

  it('when the same form is submitted twice at once, then one decision is made and both answers agree', async () => {
    const view = await submit({ name: '双击' });
    const { session } = await reviewer();
    const page = await session.get(`/reviews/${view.id}`);
    const token = formToken(page.html);
    const [a, b] = await Promise.all([
      decide(session, view.id, { outcome: 'approved' }, token),
      decide(session, view.id, { outcome: 'approved' }, token),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const events = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, view.id), eq(reviewEvents.type, 'approved')));
    expect(events).toHaveLength(1);
  });

  it('when a reviewer rejects without a reason, then 422; with a reason, then the tenant sees it', async () => {
    const view = await submit({ name: '驳回' });
    const { session } = await reviewer();
    const missing = await decide(session, view.id, { outcome: 'rejected', reasonCode: '' });
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('请选择驳回原因');
    expect(missing.html).toMatch(/<textarea name="reasonText"[^>]*><\/textarea>/);
    const other = await decide(session, view.id, { outcome: 'rejected', reasonCode: 'other', reasonText: '' });
    expect(other.status).toBe(422);
    const ok = await decide(session, view.id, { outcome: 'rejected', reasonCode: 'variables_misused', reasonText: '<script>alert(1)</script>' });
    expect(ok.status).toBe(200);
    expect(ok.html).not.toContain('<script>alert(1)</script>');
    expect(ok.html).toContain('&lt;script&gt;');
    const api = await app.api(tenant, 'GET', `/reviews/${view.id}`);
    expect(api.body).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', reasonCode: 'variables_misused' } });
  });

  it('when an auditor posts a decision, then it is forbidden', async () => {
    const view = await submit({ name: '审计' });
    const { session } = await reviewer('auditor');
    const page = await session.get(`/reviews/${view.id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('id="approve"');
    const res = await session.post(`/reviews/${view.id}/decision`, { round: '1', token: 'x'.repeat(24), outcome: 'approved' });
    expect(res.status).toBe(403);
  });

  it('when a form is posted without a CSRF token, then it is refused', async () => {
    const view = await submit({ name: 'csrf' });
    const { session } = await reviewer();
    const page = await session.get(`/reviews/${view.id}`);
    session.csrf = 'forged';
    const res = await session.post(`/reviews/${view.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' });
    expect(res.status).toBe(403);
    expect((await app.api(tenant, 'GET', `/reviews/${view.id}`)).body.status).toBe('pending');
  });

  it('when JavaScript is off, then the form posts and redirects back to the review', async () => {
    const view = await submit({ name: '无脚本' });
    const { session } = await reviewer();
    const page = await session.get(`/reviews/${view.id}`);
    const res = await session.post(`/reviews/${view.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/reviews/${view.id}?from=${encodeURIComponent('/queue')}`);
    const back = await session.get(res.headers.get('location')!);
    expect(back.html).toMatch(/已通过，已通知 \d+ 位联系人/);
  });
});

describe('editing and deleting a template', () => {
  it('when the tenant edits a pending template, then round 2 starts, round 1 ends superseded and a round-1 decision is stale', async () => {
    const view = await submit({ name: '修改前' });
    const { session } = await reviewer();
    const page = await session.get(`/reviews/${view.id}`);
    const put = await app.api(tenant, 'PUT', `/voice-templates/${view.templateId}`, validTemplate({ name: '修改后' }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: view.id, round: 2, status: 'pending' });
    const result = await temporal.workflow.getHandle(workflowIdFor(view.id, 1)).result();
    expect(result).toEqual({ closed: 'superseded' });
    const stale = await session.post(`/reviews/${view.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('租户已重新提交');
    const fresh = await decide(session, view.id, { outcome: 'approved', round: '2' });
    expect(fresh.status).toBe(200);
    expect((await app.api(tenant, 'GET', `/reviews/${view.id}`)).body).toMatchObject({ round: 2, status: 'approved' });
  });

  it('when the tenant deletes a pending template, then the review is withdrawn and a second delete is 404', async () => {
    const view = await submit({ name: '删除' });
    const del = await app.api(tenant, 'DELETE', `/voice-templates/${view.templateId}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('withdrawn');
    expect(await temporal.workflow.getHandle(workflowIdFor(view.id, 1)).result()).toEqual({ closed: 'withdrawn' });
    expect((await app.api(tenant, 'DELETE', `/voice-templates/${view.templateId}`)).status).toBe(404);
  });
});

describe('operations', () => {
  it('when Postgres and Temporal are up, then /healthz answers 200 with both states', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', postgres: 'up', temporal: 'up' });
  });

  it('when someone tries to change the audit log, then the database refuses', async () => {
    await expect(app.database.sql`update audit_log set action = 'x'`).rejects.toThrow(/append-only/);
    await expect(app.database.sql`delete from audit_log`).rejects.toThrow(/append-only/);
  });

  it('when the OpenAPI document is requested, then it describes the voice-template routes', async () => {
    const res = await fetch(`${app.url}/api/v1/openapi.json`);
    const doc = await res.json();
    expect(doc.paths['/voice-templates'].post).toBeDefined();
  });
});
