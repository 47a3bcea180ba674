import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, authThrottle, notificationOutbox, reviewEvents, staff, storedFiles } from '../../db/schema.js';
import { audioFiles } from '../../db/subjects/audio-file.js';
import { wavFile } from '../support/audio.js';
import { BackOfficeSession, decideInBackOffice, formToken } from '../support/back-office.js';
import { form } from '../support/files.js';
import { addContact, startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';
import { send } from '../fuzz/support/http.js';
import { apiAnswerProblems } from '../fuzz/support/oracle.js';

/**
 * What a security probe of the whole build found, each closed here through the real app: guesses
 * sent at once past the limits, two admins demoting each other, manual notices that escaped the
 * audit log, a WAV whose parsed header the database could not hold (and a check that then never
 * ended), a trickled body, an Origin check that trusted the Host header, and the tenant API's
 * cacheable answers and 404s for methods a path does not have.
 */

let app: TestApp;
let tenant: TestTenant;
let filesDir: string;

beforeAll(async () => {
  filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-probe-files-'));
  app = await startTestApp({ filesDir });
  tenant = await app.addTenant();
}, 300_000);

afterAll(async () => {
  await app?.stop();
  if (filesDir) await fs.rm(filesDir, { recursive: true, force: true });
});

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('guesses sent at once', () => {
  // Every request here comes from 127.0.0.1: each test starts with no failures counted.
  beforeEach(async () => {
    await app.database.db.delete(authThrottle);
  });

  /** Sessions with their sign-in page already open, so the posts can leave together. */
  async function readySessions(n: number): Promise<BackOfficeSession[]> {
    const sessions = Array.from({ length: n }, () => new BackOfficeSession(app.url));
    for (const s of sessions) await s.get('/login');
    return sessions;
  }

  it('when 30 wrong passwords for one account arrive at once, then 4 are refused as wrong, the 5th starts the lock and the other 25 are refused as locked', async () => {
    const member = await app.addStaff('reviewer');
    const sessions = await readySessions(30);
    const statuses = (await Promise.all(sessions.map((s, i) => s.post('/login', { email: member.email, password: `wrong-${i}`, next: '/queue' })))).map((r) => r.status);
    expect(count(statuses, 401), statuses.join(' ')).toBe(4);
    expect(count(statuses, 429), statuses.join(' ')).toBe(26);
    const checked = await app.database.db.select().from(auditLog).where(and(eq(auditLog.actorLabel, member.email), eq(auditLog.action, 'staff.login_failed')));
    expect(checked).toHaveLength(5);
  });

  it('when 19 wrong passwords and the right one arrive at once, then at most 5 of them are checked before a lock or a success', async () => {
    const member = await app.addStaff('reviewer');
    const sessions = await readySessions(20);
    const statuses = (await Promise.all(sessions.map((s, i) => s.post('/login', { email: member.email, password: i === 13 ? member.password : `wrong-${i}`, next: '/queue' })))).map((r) => r.status);
    const signedIn = statuses[13] === 303;
    // The right one either was among the first five (and signs in, clearing the count) or is refused as locked.
    if (!signedIn) {
      expect(statuses[13]).toBe(429);
      expect(count(statuses, 401) + count(statuses, 429)).toBe(20);
      expect(count(statuses, 401)).toBe(4);
    } else {
      expect(count(statuses, 401)).toBeLessThanOrEqual(8);
    }
  });

  it('when 45 sign-ins with different e-mails arrive at once from one address, then 19 are refused as wrong and 26 as locked', async () => {
    const sessions = await readySessions(45);
    const statuses = (await Promise.all(sessions.map((s, i) => s.post('/login', { email: `guess-${i}-${randomBytes(3).toString('hex')}@test.local`, password: 'wrong', next: '/queue' })))).map((r) => r.status);
    expect(count(statuses, 401), statuses.join(' ')).toBe(19);
    expect(count(statuses, 429), statuses.join(' ')).toBe(26);
  });

  it('when 60 unknown API keys arrive at once from one address, then 19 get 401 and 41 get 429, and a valid key is still served', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => (await fetch(`${app.url}/api/v1/reviews?limit=1`, { headers: { authorization: `Bearer vrd_guess_${i}_${randomBytes(9).toString('hex')}` } })).status),
    );
    expect(count(statuses, 401), statuses.join(' ')).toBe(19);
    expect(count(statuses, 429), statuses.join(' ')).toBe(41);
    expect((await app.api(tenant, 'GET', '/reviews?limit=1')).status).toBe(200);
  });
});

describe('two admins changing each other at the same moment', () => {
  const activeAdmins = async () => (await app.database.db.select().from(staff).where(and(eq(staff.role, 'admin'), eq(staff.active, true)))).map((s) => s.id);

  for (const [what, path, body] of [
    ['demote', (id: string) => `/admin/staff/${id}`, (name: string) => ({ name, role: 'reviewer', language: 'zh-CN' })],
    ['deactivate', (id: string) => `/admin/staff/${id}/active`, () => ({ active: '0', confirm: '1' })],
  ] as const) {
    it(`when the only two admins ${what} each other at once, three times over, then one change is made and one admin always remains`, async () => {
      for (let round = 0; round < 3; round++) {
        const [a, b] = [await app.addStaff('admin'), await app.addStaff('admin')];
        await app.database.db.update(staff).set({ active: false }).where(and(eq(staff.role, 'admin'), ne(staff.id, a.id), ne(staff.id, b.id)));
        expect((await activeAdmins()).sort()).toEqual([a.id, b.id].sort());
        const [sa, sb] = [new BackOfficeSession(app.url), new BackOfficeSession(app.url)];
        await sa.login(a.email, a.password);
        await sb.login(b.email, b.password);
        await sa.get(`/admin/staff/${b.id}`);
        await sb.get(`/admin/staff/${a.id}`);
        const [ra, rb] = await Promise.all([sa.post(path(b.id), body(b.name)), sb.post(path(a.id), body(a.name))]);
        const statuses = [ra.status, rb.status].sort();
        expect(statuses[0], `round ${round}`).toBe(303);
        expect([403, 409], `round ${round}: ${statuses.join(' ')}`).toContain(statuses[1]);
        expect(await activeAdmins(), `round ${round}`).toHaveLength(1);
      }
    });
  }
});

describe('manual notices', () => {
  it('when one form token is posted to two reviews, then each notice has its audit row; sent twice, a form is one notice; with another message, a new audited notice', async () => {
    const member = await app.addStaff('reviewer');
    const reviewer = new BackOfficeSession(app.url);
    await reviewer.login(member.email, member.password);
    const other = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '甲', email: 'a-probe@example.com', mobile: '+8613800000021', subscriptions: [] });
    await addContact(app, other.tenant.id, { name: '乙', email: 'b-probe@example.com', mobile: '+8613800000022', subscriptions: [] });
    const x = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: '人工通知甲' }));
    const y = await app.api(other, 'POST', '/voice-templates', validTemplate({ name: '人工通知乙' }));
    const contactOf = async (id: string) => /name="contactIds" value="([0-9a-f-]{36})"/.exec((await reviewer.get(`/reviews/${id}`)).html)?.[1];
    const token = formToken((await reviewer.get(`/reviews/${x.body.id}`)).html);
    const post = async (reviewId: string, message: string) => {
      const contactIds = (await contactOf(reviewId))!;
      return reviewer.post(`/reviews/${reviewId}/notify`, { token, contactIds, channels: 'email', message });
    };
    expect((await post(x.body.id, '请补充材料')).status).toBe(303);
    expect((await post(y.body.id, '请补充材料')).status).toBe(303);
    expect((await post(x.body.id, '请补充材料')).status).toBe(303);
    expect((await post(x.body.id, '另一条消息')).status).toBe(303);

    const audits = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'notice.manual'), eq(auditLog.actorId, member.id)));
    expect(audits.map((a) => a.objectId).sort()).toEqual([x.body.id, x.body.id, y.body.id].sort());
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.event, 'manual'));
    const mine = notices.filter((n) => n.reviewId === x.body.id || n.reviewId === y.body.id);
    expect(mine.map((n) => `${n.reviewId === x.body.id ? 'x' : 'y'}:${n.recipient}`).sort()).toEqual(['x:a-probe@example.com', 'x:a-probe@example.com', 'y:b-probe@example.com']);
    // Every queued notice has the audit row written with it.
    for (const n of mine) expect(audits.some((a) => n.dedupeKey?.startsWith(`${a.dedupeKey}:`))).toBe(true);
  });
});

/** A WAV whose first chunk after the header is `\0\0\0\0` claiming 0xFFFFFFF0 bytes. */
function nulChunkWav(): Buffer {
  const body = Buffer.alloc(64);
  body.write('\0\0\0\0', 0, 'latin1');
  body.writeUInt32LE(0xfffffff0, 4);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, body]);
}

describe('audio files whose header cannot be stored or checked', () => {
  it('when a WAV starts with a NUL chunk id claiming 0xFFFFFFF0 bytes, then its automatic check rejects it, naming the chunk in storable text', async () => {
    const res = await app.api(tenant, 'POST', '/audio-files', form({ name: '空块提示音' }, { file: { name: 'nul.wav', content: nulChunkWav() } }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${res.body.id}`)).body.status, { timeout: 30_000 }).toBe('rejected');
    const review = (await app.api(tenant, 'GET', `/reviews/${res.body.id}`, undefined, { 'accept-language': 'en' })).body;
    expect(review.decision).toMatchObject({ reasonCode: 'audio_format', reasonText: expect.stringContaining('\\x00\\x00\\x00\\x00') });
    const [row] = await app.database.db.select().from(audioFiles).where(eq(audioFiles.id, res.body.subjectId));
    expect(JSON.stringify(row!.formatCheck)).not.toContain('\\u0000');
  });

  it('when the automatic check keeps failing (its file is gone), then it gives up, the timeline says so, and a reviewer decides the review', async () => {
    await app.worker.stop();
    const res = await app.api(tenant, 'POST', '/audio-files', form({ name: '失踪的提示音' }, { file: { name: 'gone.wav', content: wavFile() } }));
    expect(res.status).toBe(201);
    const [file] = await app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, res.body.subjectId));
    await fs.rm(path.join(filesDir, file!.path));
    await app.startWorker();
    await expect
      .poll(async () => (await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, res.body.id), eq(reviewEvents.type, 'precheck_failed')))).length, { timeout: 90_000, interval: 1000 })
      .toBe(1);
    const member = await app.addStaff('reviewer');
    const reviewer = new BackOfficeSession(app.url);
    await reviewer.login(member.email, member.password);
    const page = await reviewer.get(`/reviews/${res.body.id}`);
    expect(page.html).toContain('自动检查未能完成');
    await expect.poll(async () => (await decideInBackOffice(reviewer, res.body.id, { outcome: 'approved' })).status, { timeout: 20_000 }).toBeLessThan(400);
    await expect.poll(async () => (await app.api(tenant, 'GET', `/reviews/${res.body.id}`)).body.status, { timeout: 20_000 }).toBe('approved');
  }, 180_000);
});

describe('a body trickled in', () => {
  it('when a multipart body arrives 10 bytes a second, then it is cut off with 408 in the error shape within seconds and nothing stays staged', async () => {
    const url = new URL(app.url);
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const started = Date.now();
    let answer = '';
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.write(`POST /api/v1/audio-files HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: multipart/form-data; boundary=slow\r\nContent-Length: 100000\r\n\r\n--slow\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n`);
    const drip = setInterval(() => socket.writable && socket.write('RIFFRIFFRI'), 1000);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 40_000))]);
    clearInterval(drip);
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('body_too_slow');
    expect(Date.now() - started).toBeLessThan(20_000);
    await expect.poll(() => fs.readdir(path.join(filesDir, 'staging')), { timeout: 5_000 }).toEqual([]);
    expect((await send(app.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});

describe('the Origin of back-office changes without PUBLIC_URL', () => {
  it('when a page on another name that resolves to the app (DNS rebinding) posts with its own Host and Origin, then 403', async () => {
    const member = await app.addStaff('reviewer');
    const s = new BackOfficeSession(app.url);
    await s.login(member.email, member.password);
    await s.get('/queue');
    const port = new URL(app.url).port;
    const rebound = await send(app.url, {
      method: 'POST',
      path: '/logout',
      headers: { host: `rebind.evil.example:${port}`, origin: `http://rebind.evil.example:${port}`, cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(s.csrf)}`,
    });
    expect(rebound.status).toBe(403);
    expect((await s.post('/logout', {})).status).toBe(303);
  });
});

describe('the tenant API at its edge', () => {
  it('when the API answers JSON, a file or an error, then with Cache-Control: no-store', async () => {
    const answers = [
      await send(app.url, { method: 'GET', path: '/api/v1/reviews', headers: { authorization: `Bearer ${tenant.apiKey}` } }),
      await send(app.url, { method: 'GET', path: '/api/v1/reviews/00000000-0000-4000-8000-000000000000', headers: { authorization: `Bearer ${tenant.apiKey}` } }),
      await send(app.url, { method: 'POST', path: '/api/v1/voice-templates', headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(validTemplate({ name: '缓存' })) }),
      await send(app.url, { method: 'GET', path: '/api/v1/services' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 201, 401]);
    for (const a of answers) expect(a.headers['cache-control']).toBe('no-store');
  });

  it('when a path is asked with a method it does not have (TRACE, PATCH, DELETE), then 405 with Allow in the error shape; OPTIONS answers with the same Allow', async () => {
    const auth = { authorization: `Bearer ${tenant.apiKey}` };
    for (const [method, target, allow] of [
      ['TRACE', '/api/v1/reviews', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/api/v1/contacts', 'GET, POST, HEAD, OPTIONS'],
      ['DELETE', '/api/v1/reviews/00000000-0000-4000-8000-000000000000', 'GET, HEAD, OPTIONS'],
      ['TRACE', '/api/v1/voice-templates/VT0000000000000000', 'GET, PUT, DELETE, HEAD, OPTIONS'],
      ['PUT', '/api/v1/openapi.json', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const res = await send(app.url, { method, path: target, headers: auth });
      expect(res.status, `${method} ${target}`).toBe(405);
      expect(res.headers.allow, `${method} ${target}`).toBe(allow);
      expect(apiAnswerProblems(res)).toEqual([]);
      expect(JSON.parse(res.text).error.code).toBe('method_not_allowed');
      const options = await send(app.url, { method: 'OPTIONS', path: target, headers: auth });
      expect(options.status).toBe(204);
      expect(options.headers.allow).toBe(allow);
    }
    expect((await send(app.url, { method: 'TRACE', path: '/api/v1/no-such-thing', headers: auth })).status).toBe(404);
    expect((await send(app.url, { method: 'GET', path: '/api/v1/reviews?limit=1', headers: auth })).status).toBe(200);
  });
});
