import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDecision } from '../../activities/decisions.js';
import { auditLog, reviewEvents } from '../../db/schema.js';
import type { Decision } from '../../domain/review.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

/**
 * The decision's write is run again when a worker dies after its transaction committed and before
 * its workflow task completed: the Update comes again with a new time. It must recognise its own
 * decision and refuse anyone else's.
 */

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

describe('writing a decision again', () => {
  it('when the same reviewer’s decision is written again with a later time, then it counts as written once with its first time; another reviewer’s is refused as stale', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '重复写入' }));
    expect(submitted.status).toBe(201);
    const reviewId = submitted.body.id as string;
    const li = await app.addStaff('reviewer');
    const wang = await app.addStaff('reviewer');
    const first: Decision = { round: 1, outcome: 'approved', reasonCode: null, reasonText: null, decidedAt: new Date().toISOString(), decidedBy: { id: li.id, name: li.name, role: 'reviewer' } };

    expect(await applyDecision(app.database.db, { reviewId, kind: 'voice_template', decision: first })).toEqual({ applied: true });
    const again = { ...first, decidedAt: new Date(Date.now() + 1500).toISOString() };
    expect(await applyDecision(app.database.db, { reviewId, kind: 'voice_template', decision: again })).toEqual({ applied: true, decidedAt: first.decidedAt });
    const other = { ...again, decidedBy: { id: wang.id, name: wang.name, role: 'reviewer' as const } };
    expect(await applyDecision(app.database.db, { reviewId, kind: 'voice_template', decision: other })).toEqual({ applied: false, reason: 'stale' });
    const rejectedBySame = { ...again, outcome: 'rejected' as const, reasonCode: 'other', reasonText: '另一个结论' };
    expect(await applyDecision(app.database.db, { reviewId, kind: 'voice_template', decision: rejectedBySame })).toEqual({ applied: false, reason: 'stale' });

    const events = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, reviewId), eq(reviewEvents.type, 'approved')));
    expect(events).toHaveLength(1);
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, reviewId), eq(auditLog.action, 'review.approve')));
    expect(audit).toHaveLength(1);
  });
});
