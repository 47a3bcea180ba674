import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, notificationOutbox, reviewNotes } from '../../db/schema.js';
import { BackOfficeSession, decideInBackOffice, signedIn } from '../support/back-office.js';
import { addContact, startTestApp, submitTemplate, type TestApp } from '../support/test-app.js';

/** Staff's internal notes on a review: for staff only, mentions e-mailed through the outbox, each audited. */

let app: TestApp;
let reviewer: BackOfficeSession;
let author: { id: string; name: string; email: string };

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
  ({ session: reviewer, member: author } = await signedIn(app, 'reviewer'));
});
afterAll(() => app?.stop());

const mailbox = () => app.channels!.dev.mailbox!;
const FROM = '/queue?status=all&sort=due';

async function postNote(session: BackOfficeSession, reviewId: string, body: string) {
  await session.get(`/reviews/${reviewId}?from=${encodeURIComponent(FROM)}`);
  return session.post(`/reviews/${reviewId}/notes`, { body, from: FROM });
}

describe('internal notes', () => {
  it('when a reviewer writes a note mentioning two colleagues, then it is back on the review in the view it came from, in its timeline with author and time, the two are e-mailed and it is audited', async () => {
    const t = await app.addTenant();
    const id = await submitTemplate(app, t, '备注模板');
    const li = await app.addStaff('supervisor');
    const wang = await app.addStaff('reviewer');
    const bystander = await app.addStaff('reviewer');
    const text = `@${li.email} 请看一下场景描述；@${wang.name}，这个我也拿不准 <b>x</b>`;

    const posted = await postNote(reviewer, id, text);
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/reviews/${id}\\?from=[^#]+#note-[0-9a-f-]{36}$`));
    expect(new URL(location, app.url).searchParams.get('from')).toContain('status=all');
    const page = await reviewer.get(location);
    expect(page.html).toContain('备注已添加，已通过邮件提醒 2 位同事。');
    const noteId = location.split('#note-')[1]!;
    const item = new RegExp(`<li[^>]*id="note-${noteId}">([\\s\\S]*?)</li>`).exec(page.html)?.[1] ?? '';
    expect(item).toContain('内部备注');
    expect(item).toContain(author.name);
    expect(item).toMatch(/<time datetime="\d{4}-/);
    expect(item).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(item).not.toContain('<b>x</b>');
    expect(item).toContain(`已提醒：${[li.name, wang.name].sort().join('、')}`);

    const [row] = await app.database.db.select().from(reviewNotes).where(eq(reviewNotes.id, noteId));
    expect(row).toMatchObject({ reviewId: id, authorId: author.id, body: text });
    expect([...row!.mentioned].sort()).toEqual([li.id, wang.id].sort());

    await expect.poll(() => mailbox().messages().filter((m) => m.to.includes(li.email) || m.to.includes(wang.email)).length, { timeout: 20_000 }).toBe(2);
    const mail = mailbox().messages().find((m) => m.to.includes(li.email))!;
    expect(mail.subject).toContain(author.name);
    expect(mail.text).toContain('请看一下场景描述');
    expect(mail.text).toContain(`/reviews/${id}`);
    expect(mailbox().messages().some((m) => m.to.includes(bystander.email) || m.to.includes(author.email))).toBe(false);
    const outbox = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, id), eq(notificationOutbox.event, 'review.note_mentioned')));
    expect(outbox.map((o) => o.recipient).sort()).toEqual([li.email, wang.email].sort());

    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, id), eq(auditLog.action, 'review.note')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: author.id, objectType: 'review', details: { noteId, mentioned: expect.arrayContaining([li.id, wang.id]) } });
  });

  it('when a note is written, then the tenant API and every notice to the tenant carry none of it, even after a decision', async () => {
    const t = await app.addTenant();
    await addContact(app, t.tenant.id, { name: '联系人', email: 'notes-contact@example.com', mobile: '+8613800000321', subscriptions: ['voice_template'] });
    const id = await submitTemplate(app, t, '不外泄');
    const secret = `内部评估-${Date.now()}：租户风险偏高`;
    expect((await postNote(reviewer, id, secret)).status).toBe(303);
    const decided = await decideInBackOffice(reviewer, id, { outcome: 'approved' });
    expect(decided.status).toBe(200);
    await expect.poll(async () => (await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, id), isNotNull(notificationOutbox.contactId)))).length, { timeout: 20_000 }).toBe(2);

    for (const lang of ['zh-CN', 'en']) {
      const res = await app.api(t, 'GET', `/reviews/${id}`, undefined, { 'accept-language': lang });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain('内部评估');
    }
    const list = await app.api(t, 'GET', '/reviews');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain('内部评估');
    const tenantNotices = await app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.tenantId, t.tenant.id), isNotNull(notificationOutbox.contactId)));
    expect(tenantNotices.length).toBeGreaterThan(0);
    for (const n of tenantNotices) expect(`${n.subject ?? ''}${n.body}`).not.toContain('内部评估');
    await expect.poll(() => mailbox().messages().filter((m) => m.to.includes('notes-contact@example.com')).length, { timeout: 20_000 }).toBe(1);
    for (const m of mailbox().messages().filter((x) => x.to.includes('notes-contact@example.com'))) expect(`${m.subject}${m.text}`).not.toContain('内部评估');
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`when an empty note is sent by a reader of ${lang}, then the review page comes back with the refusal beside the box, and nothing is written`, async () => {
      const t = await app.addTenant();
      const id = await submitTemplate(app, t, `空备注${lang === 'en' ? 'en' : 'zh'}`);
      reviewer.setCookie('vrd_lang', lang);
      try {
        const refused = await postNote(reviewer, id, '   ');
        expect(refused.status).toBe(422);
        expect(refused.html).toContain(lang === 'en' ? 'Write the note' : '请填写备注内容');
        expect(refused.html).toContain('data-field="body"');
        const tooLong = await postNote(reviewer, id, '长'.repeat(2001));
        expect(tooLong.status).toBe(422);
        expect(tooLong.html).toContain('长'.repeat(2001));
      } finally {
        reviewer.setCookie('vrd_lang', 'zh-CN');
      }
      expect(await app.database.db.select().from(reviewNotes).where(eq(reviewNotes.reviewId, id))).toHaveLength(0);
      expect(await app.database.db.select().from(auditLog).where(and(eq(auditLog.objectId, id), eq(auditLog.action, 'review.note')))).toHaveLength(0);
    });
  }

  it('when an auditor reads a review, then they see its notes but cannot write one; without a CSRF token nobody can', async () => {
    const t = await app.addTenant();
    const id = await submitTemplate(app, t, '审计员看备注');
    expect((await postNote(reviewer, id, '给审计员看的备注')).status).toBe(303);
    const { session: auditor } = await signedIn(app, 'auditor');
    const page = await auditor.get(`/reviews/${id}`);
    expect(page.html).toContain('给审计员看的备注');
    expect(page.html).not.toContain('id="note-form"');
    expect((await auditor.post(`/reviews/${id}/notes`, { body: '审计员的备注' })).status).toBe(403);
    await reviewer.get(`/reviews/${id}`);
    const forged = await reviewer.post(`/reviews/${id}/notes`, { body: '伪造的备注', _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const notes = await app.database.db.select().from(reviewNotes).where(eq(reviewNotes.reviewId, id));
    expect(notes.map((n) => n.body)).toEqual(['给审计员看的备注']);
  });
});
