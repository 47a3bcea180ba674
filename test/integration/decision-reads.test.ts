import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { reviews } from '../../db/schema.js';
import { formToken, signedIn } from '../support/back-office.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';
import { until } from '../support/until.js';

/**
 * A decision from the back office reads its review once: the row read before the Update carries
 * what the page needs, and the Update's answer says what the decision changed. Counted on the web
 * process's own connection, statement by statement.
 */

/** Statements that read the reviews table (not the ones that write it, nor other tables joined to it). */
const readsReviews = (text: string) => /^\s*select\b/i.test(text) && /\bfrom "reviews"/i.test(text);
/** Those that read one review by its id (the page's list of the tenant's other reviews and its count of the queue read others). */
const readsOneReview = (text: string) => readsReviews(text) && /where "reviews"\."id" = \$\d+\s*$/i.test(text);

describe('a decision POST and the reviews table', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ recordWebStatements: true });
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function pendingReview(session: Awaited<ReturnType<typeof signedIn>>['session']) {
    const t = await app.addTenant();
    const res = await app.api(t, 'POST', '/voice-templates', validTemplate());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.id as string;
    await until(async () => (await session.get(`/reviews/${id}`)).html.includes('name="token"'));
    const page = await session.get(`/reviews/${id}`);
    return { id, token: formToken(page.html) };
  }

  /** Runs one request and answers it with the statements the web process sent meanwhile. */
  async function counted<T>(request: () => Promise<T>): Promise<{ answer: T; statements: string[] }> {
    const from = app.webStatements.length;
    const answer = await request();
    return { answer, statements: app.webStatements.slice(from) };
  }

  it('when a reviewer approves a review with the form (no script), then the POST reads the review once and the page after it shows the decision', async () => {
    const { member, session } = await signedIn(app, 'reviewer');
    const { id, token } = await pendingReview(session);
    const { answer, statements } = await counted(() => session.post(`/reviews/${id}/decision`, { round: '1', token, outcome: 'approved' }));
    expect(answer.status, answer.html).toBe(303);
    expect(statements.filter(readsReviews)).toHaveLength(1);
    const [row] = await app.database.db.select().from(reviews).where(eq(reviews.id, id));
    expect(row).toMatchObject({ status: 'approved', decisionOutcome: 'approved', decidedBy: member.id });
    const page = await session.get(answer.headers.get('location')!);
    expect(page.html).toContain('class="badge status-approved"');
    expect(page.html).toContain(`<strong>${member.name}</strong>`);
  });

  it('when a reviewer rejects a review through htmx, then the POST reads the review row once and answers the page as it stands after the decision', async () => {
    const { member, session } = await signedIn(app, 'reviewer');
    const { id, token } = await pendingReview(session);
    const { answer, statements } = await counted(() =>
      session.post(`/reviews/${id}/decision`, { round: '1', token, outcome: 'rejected', reasonCode: 'other', reasonText: 'the wording is unclear' }, { 'HX-Request': 'true' }),
    );
    expect(answer.status, answer.html).toBe(200);
    expect(statements.filter(readsOneReview)).toHaveLength(1);
    // The answered page is the decided one: no decision form, the decider and the reason shown.
    expect(answer.html).not.toContain(`action="/reviews/${id}/decision"`);
    expect(answer.html).toContain('class="badge status-rejected"');
    expect(answer.html).toContain(`<strong>${member.name}</strong>`);
    expect(answer.html).toContain('the wording is unclear');
    const [row] = await app.database.db.select().from(reviews).where(eq(reviews.id, id));
    expect(row).toMatchObject({ status: 'rejected', decisionReasonCode: 'other', decidedBy: member.id });
  });
});
