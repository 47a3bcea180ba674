import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewPresence } from '../../db/schema.js';
import type { RunningWeb } from '../../runtime/web.js';
import { BackOfficeSession } from '../support/back-office.js';
import { startTestApp, submitTemplate, type TestApp } from '../support/test-app.js';

/** Who else has a review open: heartbeats kept in PostgreSQL, so every web process sees every other's. */

let app: TestApp;
let otherWeb: RunningWeb;

beforeAll(async () => {
  app = await startTestApp();
  otherWeb = await app.startAnotherWeb();
});
afterAll(async () => {
  await otherWeb?.stop();
  await app?.stop();
});

async function member(role: 'reviewer' | 'supervisor' | 'auditor', url = app.url) {
  const m = await app.addStaff(role);
  const session = new BackOfficeSession(url);
  await session.login(m.email, m.password);
  return { ...m, session };
}

/** One heartbeat as the page's htmx sends it; answers the list of the others. */
async function beat(session: BackOfficeSession, reviewId: string, activity = 'viewing') {
  await session.get(`/reviews/${reviewId}`);
  return session.post(`/reviews/${reviewId}/presence`, { activity }, { 'HX-Request': 'true' });
}

describe('presence on a review', () => {
  it('when two members on two web processes have a review open, then each heartbeat lists the other and what they do, never oneself', async () => {
    const t = await app.addTenant();
    const id = await submitTemplate(app, t, '在场测试');
    const li = await member('reviewer');
    const wang = await member('supervisor', otherWeb.url);

    const first = await beat(li.session, id);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toContain('no-store');
    expect(first.html).not.toContain(li.name);
    expect(first.html).not.toContain('<html');

    const second = await beat(wang.session, id, 'deciding');
    expect(second.html).toContain(`${li.name} 正在查看`);
    expect(second.html).not.toContain(wang.name);

    const third = await beat(li.session, id);
    expect(third.html).toContain(`${wang.name} 正在填写审核决定`);
    // The page itself, read without a script, shows the same.
    expect((await li.session.get(`/reviews/${id}`)).html).toContain(`${wang.name} 正在填写审核决定`);

    li.session.setCookie('vrd_lang', 'en');
    expect((await beat(li.session, id, 'noting')).html).toContain(`${wang.name} is editing a decision`);
    expect((await beat(wang.session, id)).html).toContain(`${li.name} 正在写备注`);
    li.session.setCookie('vrd_lang', 'zh-CN');
  });

  it('when a member has not been seen for more than 30 seconds, then they are no longer listed; after five minutes their row is gone', async () => {
    const t = await app.addTenant();
    const id = await submitTemplate(app, t, '离开测试');
    const li = await member('reviewer');
    const gone = await member('reviewer');
    const forgotten = await member('auditor');
    await beat(gone.session, id);
    await beat(forgotten.session, id);
    expect((await beat(li.session, id)).html).toContain(gone.name);

    await app.database.db.update(reviewPresence).set({ seenAt: sql`now() - interval '31 seconds'` }).where(eq(reviewPresence.staffId, gone.id));
    await app.database.db.update(reviewPresence).set({ seenAt: sql`now() - interval '6 minutes'` }).where(eq(reviewPresence.staffId, forgotten.id));
    const after = await beat(li.session, id);
    expect(after.html).not.toContain(gone.name);
    expect(after.html).not.toContain(forgotten.name);
    expect(await app.database.db.select().from(reviewPresence).where(and(eq(reviewPresence.reviewId, id), eq(reviewPresence.staffId, gone.id)))).toHaveLength(1);
    expect(await app.database.db.select().from(reviewPresence).where(eq(reviewPresence.staffId, forgotten.id))).toHaveLength(0);
  });

  it('when a heartbeat comes without a CSRF token, without htmx, with an unknown activity or for no review, then it records nothing it should not', async () => {
    const t = await app.addTenant();
    const id = await submitTemplate(app, t, '心跳边界');
    const li = await member('reviewer');
    await li.session.get(`/reviews/${id}`);
    expect((await li.session.post(`/reviews/${id}/presence`, { _csrf: 'forged' }, { 'HX-Request': 'true' })).status).toBe(403);
    expect(await app.database.db.select().from(reviewPresence).where(eq(reviewPresence.reviewId, id))).toHaveLength(0);

    const plain = await li.session.post(`/reviews/${id}/presence`, {});
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe(`/reviews/${id}`);

    await beat(li.session, id, '<script>');
    const [row] = await app.database.db.select().from(reviewPresence).where(eq(reviewPresence.reviewId, id));
    expect(row?.activity).toBe('viewing');
    expect((await li.session.post('/reviews/00000000-0000-4000-8000-000000000000/presence', {}, { 'HX-Request': 'true' })).status).toBe(404);
  });
});
