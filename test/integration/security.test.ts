import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountKey } from '../../db/auth-throttle.js';
import { prepareDatabase } from '../../db/migrate.js';
import { auditLog, authThrottle, notificationOutbox, sessions, smsReportNonces } from '../../db/schema.js';
import { contentDigest, signedReportHeaders, wsseCreated } from '../../notifications/sms.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { addContact, startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

/**
 * Guessing, sessions, cross-site requests, SMS report forgery and replay, and what the
 * application's own database role may do, against the real app on a real database.
 */

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
});

afterAll(async () => {
  await app?.stop();
});

// Every request here comes from 127.0.0.1: each test starts with no failures counted.
beforeEach(async () => {
  await app.database.db.delete(authThrottle);
});

const LOCKED_ZH = '登录失败次数过多';
const LOCKED_EN = 'Too many failed sign-ins';
const WRONG_ZH = '邮箱或密码不正确';

async function attempt(session: BackOfficeSession, email: string, password: string) {
  await session.get('/login');
  return session.post('/login', { email, password, next: '/queue' });
}

const auditOf = (label: string) =>
  app.database.db.select().from(auditLog).where(eq(auditLog.actorLabel, label)).orderBy(auditLog.id);

describe('signing in under guessing', () => {
  it('when 5 wrong passwords are sent for an account, then even the right one is refused while it is locked, in zh-CN and English, with Retry-After, and every failure and the lock are audited', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(s, member.email, `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);

    const right = await attempt(s, member.email, member.password);
    expect(right.status).toBe(429);
    expect(right.html).toContain(LOCKED_ZH);
    expect(right.html).not.toContain(WRONG_ZH);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    expect(s.cookie('vrd_sid')).toBeUndefined();

    const en = new BackOfficeSession(app.url);
    en.setCookie('vrd_lang', 'en');
    const english = await attempt(en, member.email, member.password);
    expect(english.status).toBe(429);
    expect(english.html).toContain(LOCKED_EN);

    const audit = await auditOf(member.email);
    expect(audit.map((a) => a.action)).toEqual([...Array<string>(5).fill('staff.login_failed'), 'staff.login_locked', 'staff.login_refused', 'staff.login_refused']);
    expect(audit[5]).toMatchObject({ objectId: member.id, ip: expect.stringContaining('127.0.0.1'), details: { scope: 'account', lockouts: 1 } });
    expect(audit[6]?.details).toMatchObject({ reason: 'locked', scope: 'account' });
  });

  it('when 5 wrong passwords are sent for an e-mail nobody has, then it is answered exactly as a real account is', async () => {
    const member = await app.addStaff('reviewer');
    const ghost = `nobody-${randomBytes(4).toString('hex')}@test.local`;
    const answers = async (email: string) => {
      const s = new BackOfficeSession(app.url);
      const out: { status: number; locked: boolean; wrong: boolean }[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await attempt(s, email, `wrong-${i}`);
        out.push({ status: r.status, locked: r.html.includes(LOCKED_ZH), wrong: r.html.includes(WRONG_ZH) });
      }
      return out;
    };
    const real = await answers(member.email);
    expect(await answers(ghost)).toEqual(real);
    expect(real.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect((await auditOf(ghost)).map((a) => a.action)).toContain('staff.login_locked');
  });

  it('when a lock has run out, then the next lock after 5 more failures is twice as long, and the right password then signs in and clears the count', async () => {
    const member = await app.addStaff('reviewer');
    const key = accountKey(member.email);
    const s = new BackOfficeSession(app.url);
    for (let i = 0; i < 5; i++) await attempt(s, member.email, 'wrong');
    const expire = () => app.database.db.update(authThrottle).set({ lockedUntil: new Date(Date.now() - 1000) }).where(eq(authThrottle.key, key));
    await expire();
    for (let i = 0; i < 5; i++) await attempt(s, member.email, 'wrong');
    const [row] = await app.database.db.select().from(authThrottle).where(eq(authThrottle.key, key));
    expect(row?.lockouts).toBe(2);
    expect((row!.lockedUntil!.getTime() - row!.updatedAt.getTime()) / 60_000).toBe(30);

    await expire();
    expect((await attempt(s, member.email, member.password)).status).toBe(303);
    expect(await app.database.db.select().from(authThrottle).where(eq(authThrottle.key, key))).toEqual([]);
  });

  it('when the failures are spread over two web processes, then they add up to one lock that both enforce', async () => {
    const member = await app.addStaff('reviewer');
    const other = await app.startAnotherWeb();
    try {
      const here = new BackOfficeSession(app.url);
      const there = new BackOfficeSession(other.url);
      for (let i = 0; i < 5; i++) await attempt(i % 2 === 0 ? here : there, member.email, 'wrong');
      expect((await attempt(here, member.email, member.password)).status).toBe(429);
      expect((await attempt(there, member.email, member.password)).status).toBe(429);
    } finally {
      await other.stop();
    }
  });

  it('when one address fails 20 times across different e-mails, then it is locked: a real member signing in from it is refused too, and the lock is audited', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attempt(s, `guess-${i}-${randomBytes(3).toString('hex')}@test.local`, 'wrong')).status);
    expect(statuses).toEqual([...Array<number>(19).fill(401), 429]);
    const refused = await attempt(new BackOfficeSession(app.url), member.email, member.password);
    expect(refused.status).toBe(429);
    expect(refused.html).toContain(LOCKED_ZH);
    const locks = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'staff.login_locked'));
    expect(locks.filter((a) => (a.details as { scope?: string }).scope === 'address')).toHaveLength(1);
  });
});

describe('tenant API keys under guessing', () => {
  it('when one address sends unknown keys, then 19 are refused with 401 and from the 20th on it gets 429 with Retry-After in the API error shape, while a valid key from it is served at once', async () => {
    const tenant = await app.addTenant();
    const answers: { status: number; retryAfter: string | null; body: any }[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await fetch(`${app.url}/api/v1/reviews?limit=1`, { headers: { authorization: `Bearer vrd_guess_${i}_${randomBytes(9).toString('hex')}`, 'accept-language': 'en' } });
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() });
    }
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(19).fill(401), 429, 429, 429]);
    const last = answers[21]!;
    expect(Number(last.retryAfter)).toBeGreaterThan(14 * 60);
    expect(Number(last.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(last.body).toEqual({ error: { code: 'too_many_unknown_keys', message: expect.stringMatching(/retry after \d+ s/), details: [{ path: 'Authorization', message: expect.stringMatching(/^retry after \d+ s$/) }] } });

    const started = Date.now();
    const valid = await app.api(tenant, 'GET', '/reviews?limit=1');
    expect(valid.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'api_key.address_locked'))).toHaveLength(1);
  });
});

describe('sessions', () => {
  it('when a visitor signs in, then the session id is new: the pre-session id is dropped and opens no session, and a session sent along with the login ends', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    await s.get('/login');
    const pre = s.cookie('vrd_pre');
    expect(pre).toBeDefined();
    expect((await s.post('/login', { email: member.email, password: member.password, next: '/queue' })).status).toBe(303);
    const first = s.cookie('vrd_sid');
    expect(first).toBeDefined();
    expect(first).not.toBe(pre);
    expect(s.cookie('vrd_pre')).toBeUndefined();

    const usingPre = new BackOfficeSession(app.url);
    usingPre.setCookie('vrd_sid', pre!);
    expect((await usingPre.get('/queue')).status).toBe(303);

    // Signing in again from a signed-in browser (e.g. as someone else) replaces the session.
    const other = await app.addStaff('supervisor');
    await s.get('/queue');
    expect((await s.post('/login', { email: other.email, password: other.password, next: '/queue' })).status).toBe(303);
    expect(s.cookie('vrd_sid')).not.toBe(first);
    const stale = new BackOfficeSession(app.url);
    stale.setCookie('vrd_sid', first!);
    const res = await stale.get('/queue');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login/);
  });

  it('when a member logs out, then the session row is gone and the old cookie opens no page or fragment', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    await s.login(member.email, member.password);
    const sid = s.cookie('vrd_sid')!;
    const idHash = createHash('sha256').update(sid).digest('hex');
    expect(await app.database.db.select().from(sessions).where(eq(sessions.idHash, idHash))).toHaveLength(1);
    await s.get('/queue');
    expect((await s.post('/logout', {})).status).toBe(303);
    expect(await app.database.db.select().from(sessions).where(eq(sessions.idHash, idHash))).toEqual([]);

    const replay = new BackOfficeSession(app.url);
    replay.setCookie('vrd_sid', sid);
    expect((await replay.get('/queue')).status).toBe(303);
    expect((await replay.get('/queue', { 'HX-Request': 'true' })).status).toBe(401);
    expect((await replay.get('/outbox')).status).toBe(303);
  });

  it('when a member opens a page or an htmx fragment, then it is sent with Cache-Control: no-store', async () => {
    const member = await app.addStaff('supervisor');
    const s = new BackOfficeSession(app.url);
    await s.login(member.email, member.password);
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '缓存测试' }));
    for (const [path, headers] of [
      ['/queue', {}],
      ['/queue', { 'HX-Request': 'true' }],
      [`/reviews/${submitted.body.id}`, {}],
      ['/outbox', {}],
      ['/outbox', { 'HX-Request': 'true' }],
    ] as const) {
      const res = await s.get(path, headers);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), `${path} ${JSON.stringify(headers)}`).toBe('no-store');
    }
  });
});

describe('cross-site requests', () => {
  it('when a back-office form is posted with a foreign Origin, or with neither Origin nor Referer, then it is refused with 403 and changes nothing; our own Referer passes', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    await s.login(member.email, member.password);
    await s.get('/queue');
    const foreign = await s.post('/logout', {}, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.html).toContain('该请求不是从本系统的页面发出的');
    expect((await s.get('/queue')).status).toBe(200);

    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/logout`, {
        method: 'POST',
        headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ _csrf: s.csrf }),
        redirect: 'manual',
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ referer: 'https://evil.example/page' })).status).toBe(403);
    expect((await s.get('/queue')).status).toBe(200);
    expect((await post({ referer: `${app.url}/queue` })).status).toBe(303);
    expect((await s.get('/queue')).status).toBe(303);
  });

  it('when the login form is posted from another site, then it is refused before any password is checked', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    await s.get('/login');
    const res = await s.post('/login', { email: member.email, password: member.password, next: '/queue' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(s.cookie('vrd_sid')).toBeUndefined();
  });

  it('when the tenant API or the SMS callback is called with a foreign Origin, then the origin check leaves it to their own authentication', async () => {
    const tenant = await app.addTenant();
    const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: 'origin' }), { origin: 'https://evil.example' });
    expect(res.status).toBe(201);
    const unsigned = await fetch(`${app.url}/callbacks/sms-status`, { method: 'POST', headers: { origin: 'https://evil.example' }, body: 'smsMsgId=x&status=DELIVRD' });
    expect(unsigned.status).toBe(401);
  });
});

describe('SMS delivery reports', () => {
  const gateway = () => app.channels!.dev.sms!;
  const keys = () => app.channels!.sms;
  const post = (url: string, headers: Record<string, string>, body: string) => fetch(`${url}/callbacks/sms-status`, { method: 'POST', headers, body });

  async function deliveredSms(mobile: string) {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '收件人', email: `${mobile.slice(1)}@example.com`, mobile, subscriptions: ['voice_template'] });
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '回执测试' }));
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    await s.login(member.email, member.password);
    const page = await s.get(`/reviews/${submitted.body.id}`);
    expect((await s.post(`/reviews/${submitted.body.id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' })).status).toBe(200);
    const smsRow = () =>
      app.database.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.reviewId, submitted.body.id), eq(notificationOutbox.channel, 'sms')));
    await expect.poll(async () => (await smsRow())[0]?.state, { timeout: 30_000 }).toBe('delivered');
    // The row turns delivered while our callback answers; the gateway notes that answer a moment later.
    const reported = () => gateway().messages().find((m) => m.to === mobile && m.delivery?.callbackStatus === 200);
    await expect.poll(reported, { timeout: 10_000 }).toBeTruthy();
    const message = reported();
    return { message: message!, captured: message!.delivery!.request, smsRow };
  }

  it('when a captured report is sent again, to this process, to a second web process or after a restart, then it is refused as replayed, and its header on another body changes nothing', async () => {
    const { message, captured, smsRow } = await deliveredSms('+8613800009001');
    const again = await post(app.url, captured.headers, captured.body);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ description: expect.stringMatching(/Nonce was already used/) });

    const tampered = captured.body.replace('status=DELIVRD', 'status=UNDELIV');
    expect(tampered).not.toBe(captured.body);
    const second = await app.startAnotherWeb();
    try {
      const replayed = await post(second.url, captured.headers, captured.body);
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toMatchObject({ description: expect.stringMatching(/Nonce was already used/) });
      // The captured header on another body: as sent, and with a Content-Digest made to fit the new body.
      const asCaptured = await post(second.url, captured.headers, tampered);
      expect(asCaptured.status).toBe(401);
      expect(await asCaptured.json()).toMatchObject({ description: expect.stringMatching(/Content-Digest/) });
      const refitted = await post(second.url, { ...captured.headers, 'Content-Digest': contentDigest(tampered) }, tampered);
      expect(refitted.status).toBe(401);
      expect(await refitted.json()).toMatchObject({ description: expect.stringMatching(/PasswordDigest does not match/) });
      // The second process does accept a report it has not seen (it is not refusing everything).
      const fresh = new URLSearchParams({ smsMsgId: message.smsMsgId, status: 'DELIVRD', updateTime: wsseCreated() }).toString();
      expect((await post(second.url, { ...signedReportHeaders(keys().appKey, keys().appSecret, fresh), 'Content-Type': 'application/x-www-form-urlencoded' }, fresh)).status).toBe(200);
    } finally {
      await second.stop();
    }

    const restarted = await app.startAnotherWeb();
    try {
      const afterRestart = await post(restarted.url, captured.headers, captured.body);
      expect(afterRestart.status).toBe(401);
      expect(await afterRestart.json()).toMatchObject({ description: expect.stringMatching(/Nonce was already used/) });
      expect((await post(restarted.url, captured.headers, tampered)).status).toBe(401);
    } finally {
      await restarted.stop();
    }
    expect((await smsRow())[0]?.state).toBe('delivered');
  });

  it('when a report is accepted, then expired nonces are removed and its own is kept until its Created time leaves the window', async () => {
    await app.database.db.insert(smsReportNonces).values({ nonce: 'EXPIREDNONCE1', expiresAt: new Date(Date.now() - 60_000) });
    const created = wsseCreated();
    const body = new URLSearchParams({ smsMsgId: 'no-such-message', status: 'DELIVRD' }).toString();
    const res = await post(app.url, { ...signedReportHeaders(keys().appKey, keys().appSecret, body, { nonce: 'FRESHNONCE1', created }), 'Content-Type': 'application/x-www-form-urlencoded' }, body);
    expect(res.status).toBe(200);
    const rows = await app.database.db.select().from(smsReportNonces).where(sql`${smsReportNonces.nonce} in ('EXPIREDNONCE1', 'FRESHNONCE1')`);
    expect(rows).toEqual([{ nonce: 'FRESHNONCE1', expiresAt: new Date(Date.parse(created) + 5 * 60_000) }]);
  });
});

describe('the application database role', () => {
  it('when the app role tries to change the audit log or its triggers, then the database refuses every attempt, while appending and reading work', async () => {
    const appSql = postgres(app.appDatabaseUrl, { max: 1, onnotice: () => undefined });
    try {
      const [who] = await appSql<{ role: string; superuser: boolean; owner: string }[]>`
        select current_user as role, (select rolsuper from pg_roles where rolname = current_user) as superuser,
               (select tableowner from pg_tables where tablename = 'audit_log') as owner`;
      expect(who?.superuser).toBe(false);
      expect(who?.role).not.toBe(who?.owner);

      await appSql`insert into audit_log (actor_type, action, object_type) values ('system', 'test.append', 'test')`;
      expect((await appSql`select count(*)::int as n from audit_log where action = 'test.append'`)[0]?.n).toBe(1);

      await expect(appSql`update audit_log set action = 'x'`).rejects.toThrow(/permission denied/);
      await expect(appSql`delete from audit_log`).rejects.toThrow(/permission denied/);
      await expect(appSql`truncate audit_log`).rejects.toThrow(/permission denied/);
      await expect(appSql`alter table audit_log disable trigger all`).rejects.toThrow(/must be owner/);
      await expect(appSql`drop trigger audit_log_no_update_delete on audit_log`).rejects.toThrow(/must be owner/);
      await expect(appSql`create trigger sneaky before insert on audit_log for each row execute function audit_log_refuse_change()`).rejects.toThrow(/permission denied/);
      await expect(appSql`drop table audit_log`).rejects.toThrow(/must be owner/);
      await expect(appSql`select * from app_role_credentials`).rejects.toThrow(/permission denied/);
      expect((await app.database.sql`select count(*)::int as n from audit_log where action = 'test.append'`)[0]?.n).toBe(1);

      // The running web and worker really connect as this role.
      const users = await app.database.sql<{ usename: string }[]>`
        select distinct usename from pg_stat_activity where datname = current_database() and application_name = 'voice-review-desk'`;
      expect(users.map((u) => u.usename)).toContain(who?.role);
    } finally {
      await appSql.end();
    }
  });

  it('when the database is prepared again, then the role keeps its password; an operator role from DATABASE_APP_URL gets the same limits; the owner as the app role is refused', async () => {
    expect((await prepareDatabase(app.databaseUrl)).appUrl).toBe(app.appDatabaseUrl);

    const role = `ops_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await app.database.sql.unsafe(`create role ${role} login password '${password}'`);
    const opsUrl = new URL(app.databaseUrl);
    opsUrl.username = role;
    opsUrl.password = password;
    expect((await prepareDatabase(app.databaseUrl, { appUrl: opsUrl.toString() })).appUrl).toBe(opsUrl.toString());
    const ops = postgres(opsUrl.toString(), { max: 1, onnotice: () => undefined });
    try {
      expect(await ops`select count(*) from reviews`).toHaveLength(1);
      await expect(ops`update audit_log set action = 'x'`).rejects.toThrow(/permission denied/);
      await expect(ops`alter table audit_log disable trigger all`).rejects.toThrow(/must be owner/);
    } finally {
      await ops.end();
    }

    await expect(prepareDatabase(app.databaseUrl, { appUrl: app.databaseUrl })).rejects.toThrow(/owner of the tables/);
    const missing = new URL(app.databaseUrl);
    missing.username = 'no_such_role';
    await expect(prepareDatabase(app.databaseUrl, { appUrl: missing.toString() })).rejects.toThrow(/no_such_role.*does not exist/);
  });
});
