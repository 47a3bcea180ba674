import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, notificationOutbox, reviewEvents, reviews } from '../../db/schema.js';
import { startDevServer, type DevServer } from '../../scripts/temporal/dev-server.js';
import { workflowIdFor } from '../../domain/review.js';
import { ReviewClient, ReviewServiceUnavailable } from '../../temporal/review-client.js';
import { BackOfficeSession, decideInBackOffice, formToken } from '../support/back-office.js';
import { timedApi } from '../support/faults.js';
import { addContact, startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

/**
 * Temporal stopped and started again. This file has its own dev server (the run's shared one
 * serves the other files), with its state in a file so running reviews survive the restart, on
 * the same port so the app's connections find it again.
 */
let dir: string;
let temporal: DevServer;
let app: TestApp;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-fault-temporal-'));
  temporal = await startDevServer({ dbFile: path.join(dir, 'temporal.db'), log: () => undefined });
  app = await startTestApp({ temporal: { address: temporal.address, namespace: temporal.namespace }, env: { SWEEP_INTERVAL_MS: '1000' } });
});

afterAll(async () => {
  await app?.stop();
  await temporal?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Everything a decision writes, to show that a refused one wrote none of it. */
async function decisionTraces(reviewId: string) {
  const events = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, reviewId), inArray(reviewEvents.type, ['approved', 'rejected'])));
  const audits = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, reviewId), inArray(auditLog.action, ['review.approve', 'review.reject'])));
  const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, reviewId));
  const [row] = await app.database.db.select().from(reviews).where(eq(reviews.id, reviewId));
  return { events: events.length, audits: audits.length, notices: notices.length, status: row?.status, decidedAt: row?.decidedAt ?? null };
}

const prechecked = async (ids: string[]) =>
  new Set((await app.database.db.select({ id: reviewEvents.reviewId }).from(reviewEvents).where(and(inArray(reviewEvents.reviewId, ids), eq(reviewEvents.type, 'precheck_passed')))).map((e) => e.id)).size;

describe('Temporal stopped', () => {
  it('when Temporal is away, then submissions are accepted and kept, decisions are refused with 503 and change nothing; once it is back the sweeper starts the lifecycles and a decision applies once', async () => {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '周敏', email: 'zhou@example.com', mobile: '+8613700137000', subscriptions: ['voice_template'] });
    const member = await app.addStaff('supervisor');
    const staff = new BackOfficeSession(app.url);
    await staff.login(member.email, member.password);

    const before = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '停机前' }));
    expect(before.status).toBe(201);
    await expect.poll(() => prechecked([before.body.id]), { timeout: 30_000 }).toBe(1);
    const page = await staff.get(`/reviews/${before.body.id}`);
    const form = { round: '1', token: formToken(page.html), outcome: 'approved' };

    const port = Number(temporal.address.split(':')[1]);
    await temporal.stop();

    // Submissions: a 201 within seconds, committed and readable, the lifecycle left to the sweeper.
    const during: string[] = [];
    for (const key of ['outage_1', 'outage_2']) {
      const res = await timedApi(app, tenant, 'POST', '/voice-templates', validTemplate({ name: `停机中_${key}` }), { 'idempotency-key': key });
      expect(res.status).toBe(201);
      expect(res.ms).toBeLessThan(5000);
      expect(res.body.status).toBe('pending');
      during.push(res.body.id as string);
    }
    const retried = await timedApi(app, tenant, 'POST', '/voice-templates', validTemplate({ name: '停机中_outage_1' }), { 'idempotency-key': 'outage_1' });
    expect([retried.status, retried.body.id]).toEqual([201, during[0]]);
    for (const id of during) {
      const read = await timedApi(app, tenant, 'GET', `/reviews/${id}`);
      expect([read.status, read.body.status]).toEqual([200, 'pending']);
    }
    const unstarted = await app.database.db.select({ id: reviews.id, startedAt: reviews.workflowStartedAt }).from(reviews).where(inArray(reviews.id, during));
    expect(unstarted.map((r) => r.startedAt)).toEqual([null, null]);

    // A decision: 503 within seconds, in the reader's words, and nothing of it written.
    const refusedAt = Date.now();
    const refused = await staff.post(`/reviews/${before.body.id}/decision`, form, { 'HX-Request': 'true' });
    expect(refused.status).toBe(503);
    expect(Date.now() - refusedAt).toBeLessThan(5000);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.html).toContain('审核服务暂时不可用');
    expect(await decisionTraces(before.body.id)).toEqual({ events: 0, audits: 0, notices: 0, status: 'pending', decidedAt: null });

    const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ postgres: 'up', temporal: 'down' });

    temporal = await startDevServer({ dbFile: path.join(dir, 'temporal.db'), port, log: () => undefined });
    const backAt = Date.now();

    // The sweeper starts what was accepted meanwhile; each check is recorded once (intake checked these templates).
    const allStarted = async () => (await app.database.db.select({ startedAt: reviews.workflowStartedAt }).from(reviews).where(inArray(reviews.id, during))).every((r) => r.startedAt !== null);
    await expect.poll(allStarted, { timeout: 30_000, interval: 250 }).toBe(true);
    expect(await prechecked(during)).toBe(2);
    const sweptMs = Date.now() - backAt;

    // The form refused during the outage, sent again, decides once.
    await expect.poll(async () => (await staff.post(`/reviews/${before.body.id}/decision`, form, { 'HX-Request': 'true' })).status, { timeout: 20_000, interval: 500 }).toBe(200);
    expect(await decisionTraces(before.body.id)).toMatchObject({ events: 1, audits: 1, notices: 2, status: 'approved' });
    const again = await decideInBackOffice(staff, before.body.id, { outcome: 'approved' });
    expect(again.status).toBe(409);
    expect(again.html).toContain(`已由 ${member.name}`);
    expect(await decisionTraces(before.body.id)).toMatchObject({ events: 1, audits: 1, notices: 2 });

    // And a review accepted during the outage is decided like any other.
    expect((await decideInBackOffice(staff, during[1]!, { outcome: 'approved' })).status).toBe(200);
    expect(await decisionTraces(during[1]!)).toMatchObject({ events: 1, audits: 1, notices: 2, status: 'approved' });
    console.log(`temporal outage: lifecycles of the 2 submissions accepted during the outage started ${sweptMs} ms after Temporal was back`);
  });
});

describe('a round no worker can take', () => {
  it('when a decision reaches a round whose workflow task keeps failing (as after a worker died holding it), then it is answered as unavailable (503, try again) once its wait for the round is over, not held or a 500', async () => {
    const reviewId = randomUUID();
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const client = new Client({ connection, namespace: temporal.namespace });
      // A workflow type no worker has: each of its workflow tasks fails, as a dead worker's times out.
      const handle = await client.workflow.start('noSuchWorkflow', { taskQueue: app.taskQueue, workflowId: workflowIdFor(reviewId, 1), args: [] });
      await expect.poll(async () => (await handle.fetchHistory()).events?.some((e) => e.workflowTaskFailedEventAttributes) ?? false, { timeout: 30_000, interval: 100 }).toBe(true);
      // The app waits 15 s for a round to take an Update; 2 s here, for the same path in less time.
      const reviews = new ReviewClient(client, app.taskQueue, { acceptMs: 2000 });
      const actor = { id: randomUUID(), name: 'Li', role: 'supervisor' as const };
      const sentAt = Date.now();
      const err = await reviews.decide(reviewId, { round: 1, outcome: 'approved', reasonCode: null, reasonText: null, actor }, `decide-${randomUUID()}`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ReviewServiceUnavailable);
      expect(Date.now() - sentAt).toBeLessThan(5000);
      await handle.terminate('test over');
    } finally {
      await connection.close();
    }
  });
});
