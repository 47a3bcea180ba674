import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notificationOutbox, reviewEvents } from '../../db/schema.js';
import { listQueue } from '../../db/queue.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '张伟', email: 'zhang@example.com', mobile: '+8613800138000', subscriptions: ['voice_template', 'reminder_reply'] });
  await addContact(app, tenant.tenant.id, { name: 'Nobody', email: 'nobody@example.com', mobile: '+8613700137000', subscriptions: ['voice_template'] });
});

afterAll(async () => {
  await app?.stop();
});

/** Submits as if it happened `daysAgo` days ago, so it has been pending long enough to remind. */
async function submitted(daysAgo: number, name: string): Promise<{ id: string; templateId: string }> {
  const realNow = app.web.deps.now;
  app.web.deps.now = () => new Date(Date.now() - daysAgo * 86400_000);
  try {
    const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name }));
    expect(res.status).toBe(201);
    return res.body;
  } finally {
    app.web.deps.now = realNow;
  }
}

describe('deadline states in the queue', () => {
  it('when a round is submitted past its deadline, then it is marked breached, supervisors are told, and the queue filters and sorts by it', async () => {
    const supervisor = await app.addStaff('supervisor');
    const late = await submitted(20, '早已超时');
    const fresh = await submitted(0, '刚刚提交');
    await expect
      .poll(async () => (await listQueue(app.database.db, { sla: 'breached', limit: 100 })).items.map((i) => i.id), { timeout: 15_000 })
      .toContain(late.id);
    const breached = await listQueue(app.database.db, { sla: 'breached', limit: 100 });
    expect(breached.items.map((i) => i.id)).not.toContain(fresh.id);
    const notices = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, late.id), eq(notificationOutbox.event, 'review.breached')));
    expect(notices.map((n) => n.recipient)).toContain(supervisor.email);
    const bySubmission = await listQueue(app.database.db, { sort: 'submitted', limit: 500 });
    const ids = bySubmission.items.map((i) => i.id);
    expect(ids.indexOf(late.id)).toBeLessThan(ids.indexOf(fresh.id));

    const member = await app.addStaff('reviewer');
    const session = new BackOfficeSession(app.url);
    await session.login(member.email, member.password);
    const page = await session.get('/queue?sla=breached&sort=due', { 'HX-Request': 'true' });
    expect(page.status).toBe(200);
    expect(page.headers.get('vary')).toMatch(/HX-Request/i);
    expect(page.html).toContain(late.id);
    expect(page.html).not.toContain(fresh.id);
    expect(page.html).not.toContain('<html');
  });
});

describe('tenant reminders (催审)', () => {
  it('when a review has been pending less than 60 working minutes, then the reminder is refused with 429 and Retry-After', async () => {
    const view = await submitted(0, '刚提交');
    const res = await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`, undefined, { 'accept-language': 'zh-CN' });
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('too_early');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body.error.message).toMatch(/北京时间/);
  });

  it('when a reminder is accepted, then the review is marked reminded, rises to the top of the queue and the reviewers are told', async () => {
    const reviewer = await app.addStaff('reviewer');
    const view = await submitted(10, '催审一次');
    await submitted(10, '没有催审');
    const res = await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`);
    expect(res.status).toBe(202);
    expect(res.body.reminder).toMatchObject({ status: 'reminded', count: 1 });
    expect(res.body.reminder.lastAt).not.toBeNull();
    // Both rounds are long overdue; their workflows mark them breached a moment after intake,
    // and within that state the reminded one comes first.
    await expect
      .poll(async () => (await listQueue(app.database.db, { kind: 'voice_template', limit: 5 })).items[0]?.id, { timeout: 15_000 })
      .toBe(view.id);
    const notices = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, view.id), eq(notificationOutbox.event, 'review.reminded')));
    expect(notices.map((n) => n.recipient)).toContain(reviewer.email);

    const again = await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`);
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('cool_down');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(4 * 3600 - 120);
  });

  it('when the same Idempotency-Key is retried, then it is one reminder', async () => {
    const view = await submitted(10, '重试催审');
    const a = await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`, undefined, { 'idempotency-key': 'remind-1' });
    const b = await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`, undefined, { 'idempotency-key': 'remind-1' });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.reminder.count).toBe(1);
    const events = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, view.id), eq(reviewEvents.type, 'reminded')));
    expect(events).toHaveLength(1);
  });

  it('when staff reply to a reminder, then only contacts who receive reminder replies get it, and the reminder is answered', async () => {
    const view = await submitted(10, '答复催审');
    expect((await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`)).status).toBe(202);
    const member = await app.addStaff('reviewer');
    const session = new BackOfficeSession(app.url);
    await session.login(member.email, member.password);
    const page = await session.get(`/reviews/${view.id}`);
    expect(page.html).toContain('id="reply"');
    const res = await session.post(`/reviews/${view.id}/reply`, { round: '1', token: formToken(page.html), message: '已加急处理，今天内给出结果' }, { 'HX-Request': 'true' });
    expect(res.status).toBe(200);
    expect(res.html).not.toContain('id="reply"');
    const replies = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, view.id), eq(notificationOutbox.event, 'reminder.replied')));
    expect(replies.map((r) => r.recipient).sort()).toEqual(['+8613800138000', 'zhang@example.com']);
    expect(replies[0]?.body).toContain('已加急处理');
    const timeline = await session.get(`/reviews/${view.id}`);
    expect(timeline.html).toContain('答复催审');
  });

  it('when the review is decided or belongs to another tenant, then 409 or 404', async () => {
    const view = await submitted(10, '已处理');
    const member = await app.addStaff('reviewer');
    const session = new BackOfficeSession(app.url);
    await session.login(member.email, member.password);
    const page = await session.get(`/reviews/${view.id}`);
    await session.post(`/reviews/${view.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });
    const decided = await app.api(tenant, 'POST', `/reviews/${view.id}/reminders`);
    expect(decided.status).toBe(409);
    expect(decided.body.error.code).toBe('not_pending');
    const stranger = await app.addTenant();
    expect((await app.api(stranger, 'POST', `/reviews/${view.id}/reminders`)).status).toBe(404);
  });
});
