import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox } from '../../db/schema.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { enterpriseForm } from '../support/kinds.js';
import { residentIdNumber } from '../support/identity.js';
import { SecretWatch } from '../support/secrets.js';
import { tenantObjects } from '../support/tenant-objects.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { until } from '../support/until.js';

/**
 * A day's ordinary work with every log line kept (level debug, web and worker): a tenant
 * submitting every kind and rotating an app secret, staff signing in (once with a wrong
 * password), inviting, resetting and changing passwords, issuing an API key, deciding, notices
 * sent by SMTP and SMS with delivery reports coming back. No key, password, secret, session
 * cookie or whole ID number may be in any line. (The fuzz suites check their own logs the same way.)
 */

let app: TestApp;
const secrets = new SecretWatch();

beforeAll(async () => {
  app = await startTestApp({ captureLogs: true, notifications: true });
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

describe('secrets and logs', () => {
  it('when tenants and staff go through a normal day, then no API key, password, app secret, session cookie or whole ID number is in any log line', async () => {
    const tenant = await app.addTenant();
    secrets.add('the tenant API key', tenant.apiKey);
    secrets.add('the SMS app secret', app.channels!.sms.appSecret);
    const objects = await tenantObjects(app, tenant);
    secrets.add('an app secret', objects.appSecret);
    const idNumber = residentIdNumber('44030619900101123');
    secrets.add('a handler ID number', idNumber);
    expect((await app.api(tenant, 'POST', '/enterprises', enterpriseForm({ handlerIdNumber: idNumber }))).status).toBe(201);
    const rotated = await app.api(tenant, 'POST', `/apps/${objects.app}/secret`);
    expect(rotated.status).toBe(200);
    secrets.add('a rotated app secret', rotated.body.appSecret);
    // A key that is not one: refused, and not written down either.
    const guessed = `vrd_${randomBytes(24).toString('base64url')}`;
    secrets.add('a guessed API key', guessed);
    expect((await app.api({ ...tenant, apiKey: guessed }, 'GET', '/reviews')).status).toBe(401);

    const member = await app.addStaff('admin');
    secrets.add('the admin password', member.password);
    const typo = `${member.password}-typo`;
    secrets.add('a mistyped password', typo);
    const wrong = new BackOfficeSession(app.url);
    await wrong.get('/login');
    expect((await wrong.post('/login', { email: member.email, password: typo })).status).toBe(401);
    const admin = new BackOfficeSession(app.url);
    await admin.login(member.email, member.password);
    secrets.add('the admin session cookie', admin.cookie('vrd_sid'));

    await admin.get('/admin/staff');
    const invitedEmail = `invited-${randomBytes(3).toString('hex')}@test.local`;
    const invited = await admin.post('/admin/staff', { email: invitedEmail, name: '新同事', role: 'reviewer', language: 'zh-CN' });
    expect(invited.status).toBe(303);
    const firstPassword = /id="initial-password"[^>]*>([^<]+)</.exec((await admin.follow(invited)).html)![1]!;
    secrets.add("the invited member's first password", firstPassword);
    const newcomer = new BackOfficeSession(app.url);
    await newcomer.login(invitedEmail, firstPassword);
    secrets.add("the newcomer's session cookie", newcomer.cookie('vrd_sid'));
    await newcomer.get('/account/password');
    const chosen = `chosen-${randomBytes(8).toString('hex')}`;
    secrets.add("the newcomer's own password", chosen);
    expect((await newcomer.post('/account/password', { current: firstPassword, next: chosen, confirm: chosen })).status).toBe(303);

    const reviewer = await app.addStaff('reviewer');
    secrets.add("a reviewer's password", reviewer.password);
    await admin.get(`/admin/staff/${reviewer.id}`);
    const reset = await admin.post(`/admin/staff/${reviewer.id}/password`, {});
    secrets.add('a reset password', /id="initial-password"[^>]*>([^<]+)</.exec((await admin.follow(reset)).html)![1]);

    await admin.get(`/tenants/${tenant.tenant.id}`);
    const issued = await admin.post(`/tenants/${tenant.tenant.id}/api-keys`, { label: 'second' });
    secrets.add('an API key issued by an admin', /id="new-api-key"[^>]*>([^<]+)</.exec((await admin.follow(issued)).html)![1]);

    expect((await decideInBackOffice(admin, objects.review, { outcome: 'approved' })).status).toBeLessThan(400);
    expect((await decideInBackOffice(admin, objects.reviewOf[objects.SA]!, { outcome: 'rejected', reasonCode: 'other', reasonText: '请补充' })).status).toBeLessThan(400);
    // Notices sent by SMTP and SMS, and the gateway's signed delivery reports applied.
    await until(async () => (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.channel, 'sms'))).some((n) => n.state === 'delivered'));
    await until(async () => (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.channel, 'email'))).some((n) => n.state === 'sent'));

    const lines = [...app.logLines];
    expect(lines.length, 'log lines were captured').toBeGreaterThan(20);
    expect(secrets.size).toBeGreaterThanOrEqual(14);
    expect(secrets.leaks(lines)).toEqual([]);
  });

  it('when a secret is logged, then the scan finds it (the scan itself can fail)', () => {
    const watch = new SecretWatch();
    watch.add('a key', 'vrd_abcdefghijklmnopqrstuvwxyz012345');
    expect(watch.leaks(['{"msg":"x","key":"vrd_abcdefghijklmnopqrstuvwxyz012345"}'])).toHaveLength(1);
    expect(watch.leaks([`{"idNumber":"${residentIdNumber('11010519491231002')}"}`])).toHaveLength(1);
    expect(watch.leaks(['{"cookie":"vrd_sid=abcdefghijklmnopqrstuvwxyz"}'])).toHaveLength(1);
    expect(watch.leaks(['{"msg":"login failed","prefix":"vrd_abcd"}'])).toEqual([]);
  });
});
