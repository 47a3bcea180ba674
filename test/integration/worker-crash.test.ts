import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, notificationOutbox, reviewEvents } from '../../db/schema.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp } from '../support/test-app.js';
import { spawnWorkerProcess } from '../support/worker-process.js';
import { holdRowLock } from '../support/row-lock.js';

let app: TestApp;
let child: ChildProcess | undefined;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await app?.stop();
});

describe('worker killed during a decision', () => {
  it('when the worker is killed with SIGKILL while the decision is being written, then after a restart it is applied exactly once', async () => {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '张伟', email: 'zhang@example.com', mobile: '+8613800138000', subscriptions: ['voice_template'] });
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '崩溃测试' }));
    expect(submitted.status).toBe(201);
    const reviewId: string = submitted.body.id;
    // The template's automatic check writes to the timeline: let it finish before the row is held.
    await expect
      .poll(async () => (await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, reviewId), eq(reviewEvents.type, 'precheck_passed')))).length, { timeout: 30_000 })
      .toBe(1);

    await app.worker.stop();
    const worker = await spawnWorkerProcess({ DATABASE_URL: app.databaseUrl, TEMPORAL_TASK_QUEUE: app.taskQueue });
    child = worker;

    // Hold the review row so the decision activity blocks inside its transaction: the decision is in flight.
    const lock = holdRowLock(app.database.sql, 'reviews', reviewId);

    const member = await app.addStaff('reviewer');
    const session = new BackOfficeSession(app.url);
    await session.login(member.email, member.password);
    const page = await session.get(`/reviews/${reviewId}`);
    const decision = session.post(`/reviews/${reviewId}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });

    await lock.blocked();

    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    await lock.release();

    await app.startWorker();
    const res = await decision;
    expect(res.status).toBe(200);

    const events = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, reviewId), eq(reviewEvents.type, 'approved')));
    expect(events).toHaveLength(1);
    const outbox = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, reviewId));
    expect(outbox).toHaveLength(2);
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, reviewId), eq(auditLog.action, 'review.approve')));
    expect(audit).toHaveLength(1);
    expect((await app.api(tenant, 'GET', `/reviews/${reviewId}`)).body.status).toBe('approved');
  });
});
