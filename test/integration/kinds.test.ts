import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { notificationOutbox, reviewEvents } from '../../db/schema.js';
import { KINDS } from '../../domain/kinds/index.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { SUBMISSIONS } from '../support/kinds.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let reviewer: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  const every = Object.values(KINDS).map((k) => k.subscription);
  await addContact(app, tenant.tenant.id, { name: '全部通知', email: 'all@example.com', mobile: '+8613600136000', subscriptions: [...new Set(every)] });
  const member = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(member.email, member.password);
});

afterAll(async () => {
  await app?.stop();
});

const reviewedKinds = Object.values(KINDS).filter((k) => k.stages.review && k.api);

describe('every kind through the shared machinery', () => {
  it('when the kinds are listed, then every kind a tenant submits on its own route has a sample submission here', () => {
    expect(reviewedKinds.map((k) => k.kind).filter((k) => !SUBMISSIONS[k])).toEqual([]);
  });

  describe.each(reviewedKinds.map((k) => [k.kind, k] as const))('%s', (kind, def) => {
    it('when submitted, decided and read back, then the tenant sees the decision and the subscribed contact gets an email and an SMS', async () => {
      const sample = SUBMISSIONS[kind];
      if (!sample) throw new Error(`no sample submission for ${kind}`);
      const submitted = await app.api(tenant, 'POST', sample.path, await sample.body(app, tenant));
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      expect(submitted.body).toMatchObject({ kind, round: 1, decision: null, reminder: { status: 'none' } });
      expect(submitted.body.subjectId.startsWith(def.subjectPrefix)).toBe(true);
      const id = submitted.body.id as string;
      await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${id}`)).body.status).toBe('pending');
      // A kind checked automatically first is decided only once the check has passed.
      if (def.stages.precheck) {
        await expect
          .poll(async () => (await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, id), eq(reviewEvents.type, 'precheck_passed')))).length, { timeout: 20_000 })
          .toBe(1);
      }
      const page = await reviewer.get(`/reviews/${id}`);
      expect(page.status).toBe(200);
      const decided = await decideInBackOffice(reviewer, id, { outcome: 'approved' });
      expect(decided.status).toBe(200);
      const read = await app.api(tenant, 'GET', `${sample.path}/${submitted.body.subjectId}`);
      expect(read.body.decision).toMatchObject({ outcome: 'approved' });
      const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, id));
      expect(notices.filter((n) => n.event === `${kind}.approved`).map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    });
  });
});
