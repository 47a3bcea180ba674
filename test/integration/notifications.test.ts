import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, notificationOutbox } from '../../db/schema.js';
import { wsseHeaders } from '../../notifications/sms.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let reviewer: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
  const member = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(member.email, member.password);
});

afterAll(async () => {
  await app?.stop();
});

const mailbox = () => app.channels!.dev.mailbox!;
const gateway = () => app.channels!.dev.sms!;

async function decidedFor(contacts: { email: string; mobile: string; language?: 'zh-CN' | 'en' }[], name: string) {
  const tenant = await app.addTenant();
  for (const [i, c] of contacts.entries()) await addContact(app, tenant.tenant.id, { name: `c${i}`, subscriptions: ['voice_template'], ...c });
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name }));
  const page = await reviewer.get(`/reviews/${res.body.id}`);
  const decided = await reviewer.post(`/reviews/${res.body.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });
  expect(decided.status).toBe(200);
  return res.body.id as string;
}

const notices = (reviewId: string) => app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, reviewId));

describe('sending notices', () => {
  it('when a template is approved, then each subscribed contact gets one email and one SMS in their language, and SMS delivery reports mark them delivered', async () => {
    const reviewId = await decidedFor(
      [
        { email: 'zh@example.com', mobile: '+8613800000001' },
        { email: 'en@example.com', mobile: '+8613800000002', language: 'en' },
      ],
      '发送测试',
    );
    await expect.poll(async () => (await notices(reviewId)).map((n) => n.state).sort(), { timeout: 20_000 }).toEqual(['delivered', 'delivered', 'sent', 'sent']);
    const mails = mailbox().messages().filter((m) => m.to.some((t) => t === 'zh@example.com' || t === 'en@example.com'));
    expect(mails).toHaveLength(2);
    expect(mails.find((m) => m.to.includes('zh@example.com'))?.subject).toContain('审核通过');
    expect(mails.find((m) => m.to.includes('en@example.com'))?.subject).toContain('approved');
    const sms = gateway().messages().filter((m) => m.to === '+8613800000001' || m.to === '+8613800000002');
    expect(sms).toHaveLength(2);
    expect(sms[0]?.params.join('')).toContain('发送测试');
  });

  it('when the SMTP server refuses for a while, then the email is retried and delivered once', async () => {
    mailbox().failNext(2, 451, 'try again later');
    const reviewId = await decidedFor([{ email: 'later@example.com', mobile: '+8613800000003' }], '重试测试');
    await expect
      .poll(async () => (await notices(reviewId)).find((n) => n.channel === 'email')?.state, { timeout: 30_000 })
      .toBe('sent');
    const email = (await notices(reviewId)).find((n) => n.channel === 'email');
    expect(email?.attempts).toBeGreaterThanOrEqual(3);
    expect(mailbox().messages().filter((m) => m.to.includes('later@example.com'))).toHaveLength(1);
  });

  it('when the address is refused permanently, then the notice fails at once with the reason, and a supervisor can send it again', async () => {
    mailbox().failNext(1, 550, 'mailbox unavailable');
    const reviewId = await decidedFor([{ email: 'gone@example.com', mobile: '+8613800000004' }], '失败测试');
    await expect
      .poll(async () => (await notices(reviewId)).find((n) => n.channel === 'email')?.state, { timeout: 20_000 })
      .toBe('failed');
    const failed = (await notices(reviewId)).find((n) => n.channel === 'email')!;
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/550|mailbox unavailable/);

    const member = await app.addStaff('supervisor');
    const supervisor = new BackOfficeSession(app.url);
    await supervisor.login(member.email, member.password);
    const page = await supervisor.get(`/outbox?state=failed`);
    expect(page.html).toContain(failed.id);
    await supervisor.get(`/outbox/${failed.id}`);
    const resend = await supervisor.post(`/outbox/${failed.id}/resend`, {});
    expect(resend.status).toBe(303);
    await expect.poll(async () => (await notices(reviewId)).find((n) => n.id === failed.id)?.state, { timeout: 20_000 }).toBe('sent');
    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.objectId, failed.id));
    expect(audit.map((a) => a.action)).toContain('notice.resend');
  });

  it('when staff write to chosen contacts from a review page, then only those get it, once, even if the form is sent twice', async () => {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '甲', email: 'pick@example.com', mobile: '+8613800000011', subscriptions: [] });
    await addContact(app, tenant.tenant.id, { name: '乙', email: 'skip@example.com', mobile: '+8613800000012', subscriptions: [] });
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '人工通知' }));
    const page = await reviewer.get(`/reviews/${submitted.body.id}`);
    const pick = /value="([0-9a-f-]{36})"> 甲/.exec(page.html)?.[1];
    expect(pick).toBeDefined();
    const form = { token: formToken(page.html), contactIds: pick!, channels: 'email', message: '请补充业务场景说明' };
    const [a, b] = await Promise.all([reviewer.post(`/reviews/${submitted.body.id}/notify`, form), reviewer.post(`/reviews/${submitted.body.id}/notify`, form)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    await expect.poll(() => mailbox().messages().filter((m) => m.to.includes('pick@example.com')).length, { timeout: 20_000 }).toBe(1);
    expect(mailbox().messages().find((m) => m.to.includes('pick@example.com'))?.text).toContain('请补充业务场景说明');
    expect(mailbox().messages().some((m) => m.to.includes('skip@example.com'))).toBe(false);
  });

  it("when a reviewer opens the dev mailbox or SMS page, then 403 as for the outbox, without contacts' addresses; a supervisor reads them", async () => {
    await decidedFor([{ email: 'sink-roles@example.com', mobile: '+8613800000009' }], '权限测试');
    await expect.poll(() => mailbox().messages().some((m) => m.to.includes('sink-roles@example.com')), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => gateway().messages().some((m) => m.to === '+8613800000009'), { timeout: 20_000 }).toBe(true);
    for (const path of ['/outbox', '/dev/mailbox', '/dev/sms']) {
      const page = await reviewer.get(path);
      expect(page.status, path).toBe(403);
      expect(page.html, path).not.toMatch(/sink-roles@example\.com|8613800000009/);
    }
    const queue = await reviewer.get('/queue');
    expect(queue.html).not.toMatch(/href="\/(outbox|dev\/mailbox|dev\/sms)"/);
    const member = await app.addStaff('supervisor');
    const supervisor = new BackOfficeSession(app.url);
    await supervisor.login(member.email, member.password);
    expect((await supervisor.get('/dev/mailbox')).html).toContain('sink-roles@example.com');
    expect((await supervisor.get('/dev/sms')).html).toContain('8613800000009');
    expect((await supervisor.get('/queue')).html).toMatch(/href="\/dev\/mailbox"/);
  });

  it('when a delivery report is forged, then it is refused and changes nothing', async () => {
    const keys = app.channels!.sms;
    const forged = await fetch(`${app.url}/callbacks/sms-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...wsseHeaders(keys.appKey, 'wrong-secret-0000') },
      body: new URLSearchParams({ smsMsgId: 'x', status: 'DELIVRD' }),
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${app.url}/callbacks/sms-status`, { method: 'POST', body: new URLSearchParams({ smsMsgId: 'x', status: 'DELIVRD' }) });
    expect(unsigned.status).toBe(401);
  });

  it('when the gateway refuses the request permanently, then the SMS fails with the reason', async () => {
    gateway().failNext(1, 400, 'E000510', 'template parameter invalid');
    const reviewId = await decidedFor([{ email: 'sms-fail@example.com', mobile: '+8613800000005' }], '短信失败');
    await expect.poll(async () => (await notices(reviewId)).find((n) => n.channel === 'sms')?.state, { timeout: 20_000 }).toBe('failed');
    expect((await notices(reviewId)).find((n) => n.channel === 'sms')?.lastError).toMatch(/E000510|template parameter/);
  });
});
