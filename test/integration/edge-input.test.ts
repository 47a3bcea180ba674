import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedReportHeaders } from '../../notifications/sms.js';
import { createApp } from '../../server/app.js';
import { BackOfficeSession } from '../support/back-office.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let reviewer: BackOfficeSession;
let supervisor: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
  tenant = await app.addTenant();
  const r = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(r.email, r.password);
  const s = await app.addStaff('supervisor');
  supervisor = new BackOfficeSession(app.url);
  await supervisor.login(s.email, s.password);
});

afterAll(async () => {
  await app?.stop();
});

const b64 = (text: string) => Buffer.from(text).toString('base64url');
/** What Express's development error page and Node stack traces look like. */
const STACK = /\n\s+at |<pre>|Error: /;

describe('control characters in tenant API input', () => {
  it('when a template field holds NUL, then 422 names the field and nothing is stored', async () => {
    for (const field of ['content', 'scenario', 'name']) {
      const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ [field]: `快递\u0000通知` }));
      expect(res.status, field).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: field, message: expect.stringContaining('U+0000') }] });
    }
    expect((await app.api(tenant, 'GET', '/reviews')).body.items).toEqual([]);
  });

  it('when a contact name holds NUL or another C0 character, then 422 names it', async () => {
    const contact = { name: '张\u0000三', mobile: '13800138000', email: 'z@example.com', subscriptions: ['voice_template'] };
    const res = await app.api(tenant, 'POST', '/contacts', contact);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: 'name', message: expect.stringContaining('U+0000') }]);
    const escape = await app.api(tenant, 'POST', '/contacts', { ...contact, name: '张三', email: 'z\u001b@example.com' });
    expect(escape.status).toBe(422);
    expect(escape.body.error.details[0]).toMatchObject({ path: 'email', message: expect.stringContaining('U+001B') });
  });

  it('when a path id or a query value holds NUL, then 400 says where', async () => {
    for (const [method, path] of [
      ['PUT', '/voice-templates/VT%00A'],
      ['DELETE', '/voice-templates/VT%00A'],
      ['DELETE', '/contacts/%00'],
    ] as const) {
      const res = await app.api(tenant, method, path, method === 'PUT' ? validTemplate() : undefined);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', details: [{ path: '(path)' }] });
    }
    const query = await app.api(tenant, 'GET', '/reviews?kind=voice_template&note=%00');
    expect(query.status).toBe(400);
    expect(query.body.error.details).toEqual([{ path: 'query.note', message: expect.stringContaining('U+0000') }]);
  });

  it('when a cursor is not of the shape the document states (milliseconds, an underscore, a review id), then 400 bad_cursor; any cursor of that shape is a place in the list', async () => {
    const id = randomUUID();
    for (const cursor of [b64(`2026-01-01T00:00:00.000Z|${id}`), `-1_${id}`, `123456789012345_${id}`, `1.5_${id}`, `1_${id}x`, `1_not-a-uuid`, '']) {
      const res = await app.api(tenant, 'GET', `/reviews?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.code).toBe('bad_cursor');
    }
    for (const cursor of [`0_${id}`, `99999999999999_${id.toUpperCase()}`, `1767225600000_${id}`]) expect((await app.api(tenant, 'GET', `/reviews?cursor=${cursor}`)).status, cursor).toBe(200);
  });

  it('when text holds tab and line breaks, then it is accepted', async () => {
    const res = await app.api(tenant, 'POST', '/contacts', { name: '李\t四', mobile: '13800138001', email: 'l@example.com', subscriptions: [] });
    expect(res.status).toBe(201);
  });
});

describe('control characters and cursors in the back office', () => {
  it('when the login e-mail holds NUL, then a 400 page names the field, with no stack trace', async () => {
    const visitor = new BackOfficeSession(app.url);
    await visitor.get('/login');
    const res = await visitor.post('/login', { email: 'a\u0000@example.com', password: 'whatever-long-enough' });
    expect(res.status).toBe(400);
    expect(res.html).toContain('<code>email</code>');
    expect(res.html).toContain('控制字符');
    expect(res.html).not.toMatch(STACK);
  });

  it('when a query value or a path id holds NUL, then a 400 page, not a 500', async () => {
    const queue = await reviewer.get('/queue?kind=%00');
    expect(queue.status).toBe(400);
    expect(queue.html).toContain('<code>query.kind</code>');
    const review = await reviewer.get('/reviews/%00');
    expect(review.status).toBe(400);
    expect((await supervisor.get('/outbox/%01')).status).toBe(400);
  });

  it('when the queue cursor has a year PostgreSQL cannot hold or a fractional bucket, then the first page is shown', async () => {
    const id = randomUUID();
    for (const cursor of [
      [1, '+100000-01-01T00:00:00.000Z', id],
      [1.5, '2026-01-01T00:00:00.000Z', id],
      [1e300, '2026-01-01T00:00:00.000Z', id],
      [1, '2026-01-01T00:00:00.000Z', '-'.repeat(36)],
    ]) {
      const res = await reviewer.get(`/queue?cursor=${b64(JSON.stringify(cursor))}`);
      expect(res.status, JSON.stringify(cursor)).toBe(200);
    }
  });

  it('when the outbox cursor has a year PostgreSQL cannot hold, then the first page is shown', async () => {
    for (const at of ['+100000-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
      const res = await supervisor.get(`/outbox?before=${b64(`${at}|${randomUUID()}`)}`);
      expect(res.status, at).toBe(200);
    }
  });
});

describe.each([{ nodeEnv: undefined }, { nodeEnv: 'development' }])('unreadable requests with NODE_ENV=$nodeEnv', ({ nodeEnv }) => {
  let url: string;
  let server: Server;

  beforeAll(async () => {
    // Express reads NODE_ENV when an app is created: build one under the setting being tested.
    const saved = process.env.NODE_ENV;
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    try {
      const express = createApp(app.web.deps, { cookieSecret: 'edge-input-test-secret-0123456789abcdef', secureCookies: false, trustProxy: false });
      expect(express.get('env')).toBe('development');
      server = await new Promise<Server>((resolve) => {
        const s = express.listen(0, '127.0.0.1', () => resolve(s));
      });
    } finally {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
    }
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  const report = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}/callbacks/sms-status`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });

  const signed = (body: string) => signedReportHeaders(app.channels!.sms.appKey, app.channels!.sms.appSecret, body);

  async function expectJsonRefusal(res: Response, status: number) {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(text).not.toMatch(STACK);
    expect(JSON.parse(text)).toMatchObject({ code: expect.any(String), description: expect.any(String) });
  }

  it('when a delivery report is 20 KB, then 413 in JSON, signed or not', async () => {
    const big = `smsMsgId=x&status=DELIVRD&pad=${'a'.repeat(20 * 1024)}`;
    await expectJsonRefusal(await report(big), 413);
    await expectJsonRefusal(await report(big, signed(big)), 413);
  });

  it('when a delivery report has a bogus charset, then 415 in JSON', async () => {
    await expectJsonRefusal(await report('smsMsgId=x&status=DELIVRD', { 'content-type': 'application/x-www-form-urlencoded; charset=bogus-8' }), 415);
  });

  it('when a delivery report has an unknown Content-Encoding, then 415 in JSON', async () => {
    await expectJsonRefusal(await report('smsMsgId=x&status=DELIVRD', { 'content-encoding': 'x-unknown' }), 415);
  });

  it('when a gzip delivery report does not inflate, then 400 in JSON', async () => {
    await expectJsonRefusal(await report(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 400);
    // A good gzip report still reads.
    const ok = await report(gzipSync('smsMsgId=unknown-id&status=DELIVRD'), { 'content-encoding': 'gzip', ...signed('smsMsgId=unknown-id&status=DELIVRD') });
    expect(await ok.json()).toEqual({ code: '000000', description: 'unknown message id' });
  });

  it('when a signed delivery report holds NUL, then 400 in JSON names the field', async () => {
    const res = await report('smsMsgId=a%00b&status=DELIVRD', signed('smsMsgId=a%00b&status=DELIVRD'));
    const text = await res.clone().text();
    await expectJsonRefusal(res, 400);
    expect(text).toContain('smsMsgId');
  });

  it('when an error reaches the error page before cookies are read, then a clean page without a stack trace', async () => {
    // An unsatisfiable range on htmx.js: the file route is mounted ahead of the cookie parser.
    const res = await fetch(`${url}/static/htmx.js`, { headers: { cookie: 'vrd_lang=en', range: 'bytes=99999999-' } });
    const html = await res.text();
    expect(res.status).toBe(416);
    expect(html).toContain('Something went wrong');
    expect(html).not.toMatch(STACK);
  });
});
