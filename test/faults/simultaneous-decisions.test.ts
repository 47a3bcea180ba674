import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { findActiveReasons } from '../../db/rules.js';
import { auditLog, notificationOutbox, reviewEvents, reviews } from '../../db/schema.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

const REVIEWS = 100;
/** Pairs decided at once; each pair's two posts leave together. */
const PARALLEL_PAIRS = 4;

/** Runs `work` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

describe('two reviewers deciding the same review at the same instant', () => {
  it(`when two reviewers post opposite decisions on one review at once, ${REVIEWS} times, then each time exactly one is applied, the other is told who decided, and one event, one audit row and one set of notices exist`, async () => {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '吴刚', email: 'wu@example.com', mobile: '+8613600136000', subscriptions: ['voice_template'] });
    const ids: string[] = [];
    await eachLimited(Array.from({ length: REVIEWS }, (_, i) => i), 4, async (i) => {
      const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `并发决定_${i}` }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    });
    // Decisions wait for a running pre-check; let them all finish so each race is a race between the two.
    await expect
      .poll(async () => new Set((await app.database.db.select({ id: reviewEvents.reviewId }).from(reviewEvents).where(and(inArray(reviewEvents.reviewId, ids), eq(reviewEvents.type, 'precheck_passed')))).map((e) => e.id)).size, { timeout: 60_000, interval: 500 })
      .toBe(REVIEWS);

    const [li, wang] = [await app.addStaff('reviewer'), await app.addStaff('reviewer')];
    const first = { member: li, session: new BackOfficeSession(app.url) };
    const second = { member: wang, session: new BackOfficeSession(app.url) };
    await first.session.login(li.email, li.password);
    await second.session.login(wang.email, wang.password);
    // One page each first, so the session's CSRF cookie exists before pages are fetched in parallel
    // (parallel first pages would each set a new one and leave some tokens unmatched).
    await first.session.get('/queue');
    await second.session.get('/queue');
    const reason = (await findActiveReasons(app.database.db, 'voice_template'))[0]!;

    const outcomes: { id: string; approver: typeof li; rejecter: typeof li; approve: number; reject: number; loserHtml: string }[] = [];
    await eachLimited(ids, PARALLEL_PAIRS, async (id, i) => {
      // Each reviewer approves half the time and rejects the other half.
      const [approver, rejecter] = i % 2 === 0 ? [first, second] : [second, first];
      const [a, r] = await Promise.all([approver.session.get(`/reviews/${id}`), rejecter.session.get(`/reviews/${id}`)]);
      const approve = { round: '1', token: formToken(a.html), outcome: 'approved' };
      const reject = { round: '1', token: formToken(r.html), outcome: 'rejected', reasonCode: reason.code, reasonText: '内容与场景不符' };
      const [ra, rr] = await Promise.all([
        approver.session.post(`/reviews/${id}/decision`, approve, { 'HX-Request': 'true' }),
        rejecter.session.post(`/reviews/${id}/decision`, reject, { 'HX-Request': 'true' }),
      ]);
      outcomes.push({ id, approver: approver.member, rejecter: rejecter.member, approve: ra.status, reject: rr.status, loserHtml: ra.status === 409 ? ra.html : rr.html });
    });

    // Exactly one of the two each time; the other a refusal naming who decided.
    const wrong = outcomes.filter((o) => [o.approve, o.reject].sort().join() !== '200,409');
    expect(wrong.map((o) => `${o.id}: approve ${o.approve}, reject ${o.reject}`)).toEqual([]);
    for (const o of outcomes) {
      const winner = o.approve === 200 ? o.approver : o.rejecter;
      expect(o.loserHtml).toContain(`已由 ${winner.name} 于`);
    }

    const rows = await app.database.db.select().from(reviews).where(inArray(reviews.id, ids));
    const events = await app.database.db.select().from(reviewEvents).where(and(inArray(reviewEvents.reviewId, ids), inArray(reviewEvents.type, ['approved', 'rejected'])));
    const audits = await app.database.db.select().from(auditLog).where(and(inArray(auditLog.objectId, ids), inArray(auditLog.action, ['review.approve', 'review.reject'])));
    const notices = await app.database.db.select().from(notificationOutbox).where(inArray(notificationOutbox.reviewId, ids));
    for (const o of outcomes) {
      const winner = o.approve === 200 ? { staff: o.approver, outcome: 'approved' } : { staff: o.rejecter, outcome: 'rejected' };
      const row = rows.find((r) => r.id === o.id)!;
      expect([row.status, row.decidedBy]).toEqual([winner.outcome, winner.staff.id]);
      expect(events.filter((e) => e.reviewId === o.id).map((e) => e.type)).toEqual([winner.outcome]);
      expect(audits.filter((a) => a.objectId === o.id).map((a) => [a.action, a.actorId])).toEqual([[winner.outcome === 'approved' ? 'review.approve' : 'review.reject', winner.staff.id]]);
      expect(notices.filter((n) => n.reviewId === o.id).map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    }
    const approvals = outcomes.filter((o) => o.approve === 200).length;
    console.log(`simultaneous decisions: ${REVIEWS} races, the approval won ${approvals}, the rejection ${REVIEWS - approvals}`);
  });
});
