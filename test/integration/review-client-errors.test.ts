import { randomUUID } from 'node:crypto';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { findReview } from '../../db/reviews.js';
import { workflowIdFor } from '../../domain/review.js';
import { freePort } from '../../runtime/embedded-postgres.js';
import { DecisionRefused, ReviewClient, ReviewServiceUnavailable } from '../../temporal/review-client.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let connection: Connection;

beforeAll(async () => {
  app = await startTestApp();
  connection = await Connection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  await connection?.close();
  await app?.stop();
});

const actor = { id: randomUUID(), name: 'Li', role: 'supervisor' as const };
const approve = { round: 1, outcome: 'approved' as const, reasonCode: null, reasonText: null, actor };

async function submitted(): Promise<string> {
  const tenant = await app.addTenant();
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate());
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded');
}

describe('ReviewClient on a real Temporal dev server', () => {
  it("when the round's workflow has completed, then an Update is refused as closed", async () => {
    const reviewId = await submitted();
    await new Client({ connection, namespace: inject('temporalNamespace') }).workflow.getHandle(workflowIdFor(reviewId, 1)).terminate('test: the round is over');
    const err = await rejection(() => app.web.deps.reviews.decide(reviewId, approve, `decide-${randomUUID()}`));
    expect(err).toBeInstanceOf(DecisionRefused);
    expect((err as DecisionRefused).reason).toBe('closed');
    // A signal to the closed round is nothing to report.
    await app.web.deps.reviews.withdraw(reviewId, 1);
  });

  it('when the round never existed, then it is refused as closed too', async () => {
    const err = await rejection(() => app.web.deps.reviews.decide(randomUUID(), approve, `decide-${randomUUID()}`));
    expect(err).toBeInstanceOf(DecisionRefused);
    expect((err as DecisionRefused).reason).toBe('closed');
  });

  it('when the namespace does not exist, then the service is unavailable (503), never a refusal', async () => {
    const reviewId = await submitted();
    const misconfigured = new ReviewClient(new Client({ connection, namespace: `missing-${randomUUID()}` }), app.taskQueue);
    const err = await rejection(() => misconfigured.decide(reviewId, approve, `decide-${randomUUID()}`));
    expect(err).not.toBeInstanceOf(DecisionRefused);
    expect(err).toBeInstanceOf(ReviewServiceUnavailable);
    expect((err as ReviewServiceUnavailable).status).toBe(503);
    expect(await rejection(() => misconfigured.withdraw(reviewId, 1))).toBeInstanceOf(ReviewServiceUnavailable);
  });

  it('when Temporal does not answer at all, then the service is unavailable (503)', async () => {
    const closedPort = await freePort();
    // One attempt instead of the SDK's ten: the classification is what is tested, not the back-off.
    const nobody = Connection.lazy({ address: `127.0.0.1:${closedPort}`, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))] });
    try {
      const down = new ReviewClient(new Client({ connection: nobody, namespace: 'default' }), app.taskQueue);
      const err = await rejection(() => down.claim(randomUUID(), { round: 1, actor }, `claim-${randomUUID()}`));
      expect(err).toBeInstanceOf(ReviewServiceUnavailable);
      expect(err).toMatchObject({ message: 'the review service is unavailable; try again' });
    } finally {
      await nobody.close();
    }
  });
});

describe('a decision while the review service is away', () => {
  it('when a reviewer decides and Temporal cannot take it, then 503 with a clear message, not 409; the same form works once it is back', async () => {
    const reviewId = await submitted();
    const member = await app.addStaff('supervisor');
    const staff = new BackOfficeSession(app.url);
    await staff.login(member.email, member.password);
    const page = await staff.get(`/reviews/${reviewId}`);
    const form = { round: '1', token: formToken(page.html), outcome: 'approved' };
    const working = app.web.deps.reviews;
    app.web.deps.reviews = new ReviewClient(new Client({ connection, namespace: `missing-${randomUUID()}` }), app.taskQueue);
    try {
      const away = await staff.post(`/reviews/${reviewId}/decision`, form, { 'HX-Request': 'true' });
      expect(away.status).toBe(503);
      expect(away.html).toContain('审核服务暂时不可用');
    } finally {
      app.web.deps.reviews = working;
    }
    const back = await staff.post(`/reviews/${reviewId}/decision`, form, { 'HX-Request': 'true' });
    expect(back.status).toBe(200);
    await expect.poll(async () => (await findReview(app.database.db, reviewId))?.status, { timeout: 20_000 }).toBe('approved');
  });
});
