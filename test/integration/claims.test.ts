import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { recordReviewEvent } from '../../db/review-events.js';
import { auditLog, reviewEvents } from '../../db/schema.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';
import { until } from '../support/until.js';

/**
 * When a claim lapses is one fact (domain/review.ts, and its SQL in db/queue.ts): the queue's
 * filters, the review page and "next review" must agree on it, including CLAIM_IDLE_MINUTES=0,
 * which means a claim never lapses.
 */
/** The review page's "{name}'s claim has lapsed", as a Chinese-reading reviewer sees it. */
const LAPSED = '的领取已超时失效';

async function heldAndFree(app: TestApp) {
  const t: TestTenant = await app.addTenant();
  const submit = async (name: string) => {
    const res = await app.api(t, 'POST', '/voice-templates', validTemplate({ name }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  // Submitted first, so it comes first in the queue's deadline order.
  const held = await submit('已领取');
  const free = await submit('未领取');
  const holder = await app.addStaff('reviewer');
  const other = await app.addStaff('reviewer');
  const holding = new BackOfficeSession(app.url);
  await holding.login(holder.email, holder.password);
  await until(async () => (await holding.get(`/reviews/${held}`)).html.includes('name="token"'));
  const page = await holding.get(`/reviews/${held}`);
  const claimed = await holding.post(`/reviews/${held}/claim`, { round: '1', token: formToken(page.html) }, { 'HX-Request': 'true' });
  expect(claimed.status, claimed.html).toBe(200);
  // The claim was made a day ago: long past any limit.
  await app.database.db.execute(sql`update reviews set assigned_at = now() - interval '1 day' where id = ${held}`);
  const session = new BackOfficeSession(app.url);
  await session.login(other.email, other.password);
  return { held, free, holder, session };
}

describe('when claims never lapse (CLAIM_IDLE_MINUTES=0)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { CLAIM_IDLE_MINUTES: '0' } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('when a reviewer asks for the next review, then they are never handed one another reviewer claimed, however long ago, and the queue and the page still show it held', async () => {
    const { held, free, holder, session } = await heldAndFree(app);
    const next = await session.get('/reviews/next');
    expect(next.status).toBe(303);
    expect(next.headers.get('location')).toMatch(new RegExp(`^/reviews/${free}\\?`));
    const unassigned = await session.get('/queue?assignee=none');
    expect(unassigned.html).toContain(free);
    expect(unassigned.html).not.toContain(held);
    const page = await session.get(`/reviews/${held}`);
    expect(page.html).toContain(holder.name);
    expect(page.html).not.toContain(LAPSED);
  });

  it('when a claim is recorded, and its writer retried with the same key, then the timeline event and the audit row exist once each, naming the same actor', async () => {
    const { held, holder } = await heldAndFree(app);
    const [claimed] = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, held), eq(reviewEvents.type, 'claimed')));
    expect(claimed).toMatchObject({ actorType: 'staff', actorId: holder.id, actorName: holder.name });
    const retried = await recordReviewEvent(app.database.db, { ...claimed!, id: undefined } as never, { action: 'review.claim', details: {} });
    expect(retried).toBe(false);
    const events = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, held), eq(reviewEvents.type, 'claimed')));
    const audits = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, held), eq(auditLog.action, 'review.claim')));
    expect(events).toHaveLength(1);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'staff', actorId: holder.id, actorLabel: holder.name, objectType: 'review', dedupeKey: claimed!.dedupeKey });
  });
});

describe('when claims lapse after the default 30 minutes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('when another reviewer claimed a review a day ago, then "next review" hands it over and the queue lists it as unassigned', async () => {
    const { held, session } = await heldAndFree(app);
    const next = await session.get('/reviews/next');
    expect(next.status).toBe(303);
    expect(next.headers.get('location')).toMatch(new RegExp(`^/reviews/${held}\\?`));
    const unassigned = await session.get('/queue?assignee=none');
    expect(unassigned.html).toContain(held);
    expect((await session.get(`/reviews/${held}`)).html).toContain(LAPSED);
  });
});
