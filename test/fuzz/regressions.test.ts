import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog, storedFiles } from '../../db/schema.js';
import { wavFile } from '../support/audio.js';
import { BackOfficeSession } from '../support/back-office.js';
import { tenantObjects, type TenantObjects } from '../support/tenant-objects.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { send, sendBytes } from './support/http.js';
import { multipartBody, type Part } from './support/multipart.js';
import { apiAnswerProblems, pageAnswerProblems } from './support/oracle.js';

/**
 * One test per 5xx (or leak) the fuzz suites found, each with the smallest request that
 * showed it, so the fix stays in place when the generators change.
 */

let app: TestApp;
let tenant: TestTenant;
let objects: TenantObjects;
let admin: BackOfficeSession;
let filesDir: string;

beforeAll(async () => {
  filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-regression-files-'));
  app = await startTestApp({ filesDir });
  tenant = await app.addTenant();
  objects = await tenantObjects(app, tenant);
  const member = await app.addStaff('admin');
  admin = new BackOfficeSession(app.url);
  await admin.login(member.email, member.password);
}, 300_000);

afterAll(async () => {
  await app?.stop();
  if (filesDir) await fs.rm(filesDir, { recursive: true, force: true });
});

const staging = () => fs.readdir(path.join(filesDir, 'staging'));
const auth = () => ({ authorization: `Bearer ${tenant.apiKey}` });

function upload(route: string, parts: Part[], boundary = 'regression') {
  return send(app.url, { method: 'POST', path: `/api/v1${route}`, headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}`, 'accept-language': 'en' }, body: multipartBody(boundary, parts) });
}

describe('text the database cannot hold', () => {
  it('when a JSON field holds half a surrogate pair ("\\udfff"), then 422 names the field and nothing is stored', async () => {
    const before = (await app.api(tenant, 'GET', '/reviews?kind=voice_template')).body.items.length;
    const res = await send(app.url, {
      method: 'POST',
      path: '/api/v1/voice-templates',
      headers: { ...auth(), 'content-type': 'application/json', 'accept-language': 'en' },
      body: '{"name":"取件通知","speed":"normal","speaker":"xiaoyan_female","content":"请取件","scenario":"\\udfff"}',
    });
    expect(apiAnswerProblems(res)).toEqual([]);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text).error.details).toEqual([{ path: 'scenario', message: expect.stringContaining('unpaired surrogate U+DFFF') }]);
    expect((await app.api(tenant, 'GET', '/reviews?kind=voice_template')).body.items.length).toBe(before);
  });

  it('when a back-office field is cut at its limit through an emoji, then the change is made and audited whole', async () => {
    await admin.get(`/tenants/${tenant.tenant.id}`);
    const label = `${'x'.repeat(63)}😀`;
    const res = await admin.post(`/tenants/${tenant.tenant.id}/api-keys`, { label });
    expect(res.status).toBe(303);
    expect((await admin.follow(res)).html).toContain('id="new-api-key"');
    const [audit] = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'api_key.issue'), eq(auditLog.objectId, tenant.tenant.id)));
    expect((audit!.details as { label: string }).label).toBe('x'.repeat(63));
  });
});

describe('multipart that is not what it should be', () => {
  it('when a part has no field name, then 400 malformed_multipart in the error shape', async () => {
    for (const part of [{ name: '', rawHeaders: true, headers: ['Content-Disposition: form-data; filename="a.wav"'], body: wavFile() }, { name: '', rawHeaders: true, headers: ['Content-Disposition: form-data'], body: 'text' }]) {
      const res = await upload('/audio-files', [{ name: 'name', body: '提示音' }, part, { name: 'file', filename: 'a.wav', body: wavFile() }]);
      expect(apiAnswerProblems(res)).toEqual([]);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error).toMatchObject({ code: 'malformed_multipart', details: [{ path: '(body)', message: expect.stringContaining('name') }] });
    }
    expect(await staging()).toEqual([]);
  });

  it('when two parts carry a control character in their header, then 400 and the process keeps answering', async () => {
    // Busboy reports each malformed part header with its own 'error'; the second once killed the process.
    const body = Buffer.from('--XB\r\nContent-Disposition: form-data; name="a\x04b"\r\n\r\nx\r\n--XB\r\nContent-Disposition: form-data; name="a\x04b"\r\n\r\nx\r\n--XB--\r\n', 'latin1');
    for (const route of ['/audio-files', '/enterprises', '/number-unsubscriptions']) {
      const res = await send(app.url, { method: 'POST', path: `/api/v1${route}`, headers: { ...auth(), 'content-type': 'multipart/form-data; boundary=XB' }, body });
      expect(res.status, route).toBe(400);
      expect(apiAnswerProblems(res)).toEqual([]);
      expect(JSON.parse(res.text).error.code).toBe('malformed_multipart');
      expect((await send(app.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    }
  });

  it('when a body ends inside a file part nobody stages (an unknown field), then 4xx and the process keeps answering', async () => {
    const body = multipartBody('cut', [{ name: 'name', body: '提示音' }, { name: 'stray', filename: 'x.bin', body: Buffer.alloc(64 * 1024, 7) }]).subarray(0, 40 * 1024);
    const res = await send(app.url, { method: 'POST', path: '/api/v1/audio-files', headers: { ...auth(), 'content-type': 'multipart/form-data; boundary=cut' }, body });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(apiAnswerProblems(res)).toEqual([]);
    expect((await send(app.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect(await staging()).toEqual([]);
  });

  it('when one file field is sent twice, then 422 says so and neither copy stays staged', async () => {
    const res = await upload('/audio-files', [{ name: 'name', body: '提示音' }, { name: 'file', filename: 'a.wav', body: wavFile() }, { name: 'file', filename: 'b.wav', body: wavFile({ seconds: 2 }) }]);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.text).error.details).toEqual([{ path: 'file', message: 'given twice' }]);
    expect(await staging()).toEqual([]);
  });

  it('when the connection drops in the middle of a file, then the part being staged is removed', async () => {
    const body = multipartBody('cut', [{ name: 'name', body: '提示音' }, { name: 'file', filename: 'a.wav', body: wavFile({ seconds: 4 }) }]);
    const head = `POST /api/v1/audio-files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: multipart/form-data; boundary=cut\r\nContent-Length: ${body.length}\r\n\r\n`;
    expect((await sendBytes(app.url, Buffer.concat([Buffer.from(head), body.subarray(0, body.length / 2)]), { closeAfterMs: 300 })).status).toBe(0);
    await expect.poll(staging, { timeout: 5_000 }).toEqual([]);
    expect((await app.api(tenant, 'GET', '/services')).status).toBe(200);
  });
});

describe('downloads refused after they set their headers', () => {
  it('when an audio file is asked for a range outside it, then 416 in the API error shape, not labelled as audio', async () => {
    const res = await send(app.url, { method: 'GET', path: `/api/v1/audio-files/${objects.AF}/file`, headers: { ...auth(), range: 'bytes=99999999-' } });
    expect(res.status).toBe(416);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(apiAnswerProblems(res)).toEqual([]);
  });

  it('when staff ask a stored file for a range outside it, then a 416 page, not labelled as the file', async () => {
    const [file] = await app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, objects.AF));
    const res = await send(app.url, { method: 'GET', path: `/files/${file!.id}`, headers: { cookie: admin.cookieHeader(), range: 'bytes=99999999-' } });
    expect(res.status).toBe(416);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(pageAnswerProblems(res)).toEqual([]);
  });
});

describe('back-office posts that are not forms', () => {
  it('when a form is posted as JSON, text or multipart with the CSRF token in its header, then 415 and nothing changes', async () => {
    await admin.get(`/tenants/${tenant.tenant.id}`);
    const keys = async () => (await app.database.db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenant.tenant.id))).length;
    const before = await keys();
    for (const [type, body] of [
      ['application/json', '{"label":"k"}'],
      ['text/plain', 'label=k'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="label"\r\n\r\nk\r\n--x--\r\n'],
    ] as const) {
      for (const target of [`/tenants/${tenant.tenant.id}/api-keys`, '/admin/calendar', `/admin/templates/review.approved/email/en`]) {
        const res = await send(app.url, { method: 'POST', path: target, headers: { cookie: admin.cookieHeader(), origin: new URL(app.url).origin, 'x-csrf-token': admin.csrf, 'content-type': type }, body });
        expect(res.status, `${target} as ${type}`).toBe(415);
        expect(pageAnswerProblems(res)).toEqual([]);
      }
    }
    expect(await keys()).toBe(before);
  });

  it('when a form is posted with no body at all, then it is read as an empty form and refused as one', async () => {
    const res = await send(app.url, { method: 'POST', path: '/admin/calendar', headers: { cookie: admin.cookieHeader(), origin: new URL(app.url).origin, 'x-csrf-token': admin.csrf } });
    expect(res.status).toBe(400);
    expect(pageAnswerProblems(res)).toEqual([]);
  });

  it('when the issue-numbers form is posted to a path that is not a review id, then 404', async () => {
    await admin.get('/queue');
    const res = await admin.post('/reviews/..%2F..%2Fetc%2Fpasswd/numbers', { round: '1', token: 'a'.repeat(24), numbers_0: '010-12345678' });
    expect(res.status).toBe(404);
    expect(pageAnswerProblems({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(res.html), text: res.html })).toEqual([]);
  });
});

describe('queue links with days that do not exist', () => {
  it('when the queue is asked for submissions from or to 2026-13-45, then the filter is dropped and the queue answers 200', async () => {
    for (const query of ['from=2026-13-45', 'to=2026-02-30', 'from=2026-00-01&to=9999-99-99']) {
      const page = await admin.get(`/queue?${query}`);
      expect(page.status, query).toBe(200);
    }
  });

  it('when the queue is asked for submissions from year 1 or year 0, or up to year 0, then 200 with the day clamped to 1970-9999', async () => {
    for (const query of ['from=0001-01-01', 'from=0000-01-01', 'to=0000-12-31', 'from=0000-01-01&to=0001-01-01']) {
      const page = await admin.get(`/queue?${query}`);
      expect(page.status, query).toBe(200);
      expect(pageAnswerProblems({ status: page.status, headers: Object.fromEntries(page.headers), body: Buffer.from(page.html), text: page.html })).toEqual([]);
    }
    expect((await admin.get('/queue?from=0001-01-01')).html).toContain('1970-01-01');
  });
});
