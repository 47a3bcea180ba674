import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedFiles } from '../../db/schema.js';
import { mp3File, wavFile } from '../support/audio.js';
import { BackOfficeSession } from '../support/back-office.js';
import { form, jpgFile, pngFile, zipFile } from '../support/files.js';
import { enterpriseFields, enterpriseFiles } from '../support/kinds.js';
import { tenantObjects, type TenantObjects } from '../support/tenant-objects.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { send, type RawAnswer } from '../fuzz/support/http.js';

/**
 * Files leave the app by three routes: `/files/{id}` for staff, and a tenant's own audio file
 * and unsubscribe results. None takes a path from the request, none serves another tenant's
 * file, and each says what the file is by what its content was judged to be, with nosniff, so
 * a browser never reads an upload as a page.
 */

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let a: TenantObjects;
let b: TenantObjects;
let staff: BackOfficeSession;
/** Uploads whose names and declared types lie, by stored file id, with what they really are. */
const liars: { id: string; type: string; disposition: 'inline' | 'attachment'; content: Buffer; name: string; served: string }[] = [];
let songId = '';
let someFile = '';
let storedPath = '';

const polyglot = Buffer.concat([jpgFile(), Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]);

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  other = await app.addTenant();
  a = await tenantObjects(app, tenant);
  b = await tenantObjects(app, other);
  const member = await app.addStaff('auditor');
  staff = new BackOfficeSession(app.url);
  await staff.login(member.email, member.password);

  const files = enterpriseFiles();
  const lies = {
    license: { name: 'page.html', content: polyglot, type: 'text/html' },
    handlerIdFront: { name: 'image.svg', content: files.handlerIdFront.content, type: 'image/svg+xml' },
    otherMaterials: { name: 'a"b\r\nX-Injected: 1.html', content: zipFile({ 'index.html': '<script>alert(1)</script>' }), type: 'text/html' },
  };
  const eq_ = await app.api(tenant, 'POST', '/enterprises', form(enterpriseFields(), { ...files, ...lies }));
  expect(eq_.status, JSON.stringify(eq_.body)).toBe(201);
  const pngUpload = await app.api(tenant, 'POST', '/enterprises', form(enterpriseFields(), { ...files, otherMaterials: { name: 'diagram.svg', content: pngFile(), type: 'image/svg+xml' } }));
  const audio = await app.api(tenant, 'POST', '/audio-files', form({ name: '提示音' }, { file: { name: 'song.mp3', content: wavFile(), type: 'audio/mpeg' } }));
  expect(audio.status).toBe(201);
  const rows = async (subjectId: string) => app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, subjectId));
  for (const f of await rows(eq_.body.subjectId)) {
    if (f.field === 'license') liars.push({ id: f.id, type: 'image/jpeg', disposition: 'inline', content: polyglot, name: 'page.html', served: 'page.jpg' });
    if (f.field === 'handlerIdFront') liars.push({ id: f.id, type: 'image/jpeg', disposition: 'inline', content: files.handlerIdFront.content, name: 'image.svg', served: 'image.jpg' });
    if (f.field === 'otherMaterials') liars.push({ id: f.id, type: 'application/zip', disposition: 'attachment', content: lies.otherMaterials.content, name: 'a"b\r\nX-Injected: 1.html', served: f.originalName.replace(/\.html$/, '.zip') });
  }
  for (const f of await rows(pngUpload.body.subjectId)) if (f.field === 'otherMaterials') liars.push({ id: f.id, type: 'image/png', disposition: 'inline', content: pngFile(), name: 'diagram.svg', served: 'diagram.png' });
  const [audioFile] = await rows(audio.body.subjectId);
  liars.push({ id: audioFile!.id, type: 'audio/wav', disposition: 'inline', content: wavFile(), name: 'song.mp3', served: 'song.wav' });
  songId = audio.body.subjectId;
  expect(liars).toHaveLength(5);
  someFile = audioFile!.id;
  storedPath = audioFile!.path;
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

const asStaff = (path: string, headers: Record<string, string> = {}) => send(app.url, { method: 'GET', path, headers: { cookie: staff.cookieHeader(), ...headers } });
const asTenant = (t: TestTenant, path: string) => send(app.url, { method: 'GET', path: `/api/v1${path}`, headers: { authorization: `Bearer ${t.apiKey}` } });

/** The ways a path can try to leave its folder or name something else. */
const TRICKS = (id: string, path: string) => [
  '..',
  '%2e%2e',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2Fetc%2Fpasswd',
  '/etc/passwd',
  'C:%5CWindows%5Cwin.ini',
  '..%5C..%5Cwin.ini',
  `${id}%2F..%2F..%2Fstaging`,
  `${id}/../${id}`,
  encodeURIComponent(path),
  encodeURIComponent(`../${path}`),
  `${id}%252F..`,
  `%C0%AE%C0%AE%C0%AF`,
  `${id} `,
];

function servedAsFile(res: RawAnswer): boolean {
  return res.status === 200 || res.status === 206;
}

describe('path tricks', () => {
  it('when staff ask /files/ with a path that tries to leave the store or name a file by its path, then 404 (400 for NUL), never a file', async () => {
    const answers: string[] = [];
    for (const trick of [...TRICKS(someFile, storedPath), `${someFile}%00`, '%00', `${someFile}%00.wav`]) {
      const res = await asStaff(`/files/${trick}`);
      answers.push(`${trick} → ${res.status}`);
      expect(servedAsFile(res), `${trick} served a file`).toBe(false);
      expect([400, 404], trick).toContain(res.status);
      expect(res.text).not.toContain('root:');
    }
    expect(answers.filter((x) => x.includes('%00')).every((x) => x.endsWith('400'))).toBe(true);
  });

  it('when a tenant asks its download routes with path tricks, then 404 (400 for NUL) in the API error shape', async () => {
    for (const route of [(id: string) => `/audio-files/${id}/file`, (id: string) => `/number-unsubscriptions/${id}/results`]) {
      for (const trick of [...TRICKS(a.AF, storedPath), `${a.AF}%00`]) {
        const res = await asTenant(tenant, route(trick));
        expect(servedAsFile(res), `${route(trick)} served a file`).toBe(false);
        expect([400, 404], route(trick)).toContain(res.status);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      }
    }
  });
});

describe("another tenant's files", () => {
  it("when a tenant asks for another tenant's audio file or unsubscribe results by their ids, then 404, as for an id that does not exist", async () => {
    await expect.poll(async () => (await asTenant(other, `/number-unsubscriptions/${b.NU}/results`)).status, { timeout: 30_000 }).toBe(200);
    for (const path of [`/audio-files/${b.AF}/file`, `/number-unsubscriptions/${b.NU}/results`, `/audio-files/${b.AF}`]) {
      const res = await asTenant(tenant, path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.text).error.code).toBe('not_found');
    }
    // Its owner gets them.
    expect((await asTenant(other, `/audio-files/${b.AF}/file`)).status).toBe(200);
  });

  it('when an API key is sent to /files/{id}, then the sign-in, not the file', async () => {
    const res = await send(app.url, { method: 'GET', path: `/files/${someFile}`, headers: { authorization: `Bearer ${tenant.apiKey}` } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });
});

describe('what a file is said to be', () => {
  it('when files were uploaded under lying names and declared types (HTML, SVG, MP3), then each is served as what its content is, with nosniff, under its name with the extension of that type, encoded', async () => {
    for (const f of liars) {
      const res = await asStaff(`/files/${f.id}`);
      expect(res.status, f.name).toBe(200);
      expect(res.headers['content-type'], f.name).toBe(f.type);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // Saved and opened, it opens as what it is (a polyglot named .html would run its script);
      // percent-encoded, so no quote, CR or LF of the name reaches the header.
      expect(res.headers['content-disposition']).toBe(`${f.disposition}; filename*=UTF-8''${encodeURIComponent(f.served)}`);
      expect(res.headers['content-disposition']).toMatch(/^(inline|attachment); filename\*=UTF-8''[A-Za-z0-9%._~!*'()-]+$/);
      expect(res.headers['x-injected']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('private, no-store');
      expect(res.body.equals(f.content), f.name).toBe(true);
    }
  });

  it('when a tenant downloads its audio file and its results, then each comes as its type by content, an attachment, with nosniff', async () => {
    await expect.poll(async () => (await asTenant(tenant, `/number-unsubscriptions/${a.NU}/results`)).status, { timeout: 30_000 }).toBe(200);
    const audio = await asTenant(tenant, `/audio-files/${a.AF}/file`);
    expect(audio.headers['content-type']).toBe('audio/wav');
    expect(audio.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''.+\.wav$/);
    expect(audio.headers['cache-control']).toBe('no-store');
    const song = await asTenant(tenant, `/audio-files/${songId}/file`);
    expect(song.headers['content-disposition']).toBe("attachment; filename*=UTF-8''song.wav");
    expect(audio.headers['x-content-type-options']).toBe('nosniff');
    const results = await asTenant(tenant, `/number-unsubscriptions/${a.NU}/results`);
    expect(results.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(results.headers['content-disposition']).toMatch(/^attachment; filename="?NU[0-9A-Z]{16}-results\.xlsx"?$/);
    expect(results.headers['x-content-type-options']).toBe('nosniff');
    expect(results.body.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('when an MP3 is uploaded as audio, then it is refused by its content whatever it is called', async () => {
    const res = await app.api(tenant, 'POST', '/audio-files', form({ name: '提示音' }, { file: { name: 'fine.wav', content: mp3File(), type: 'audio/wav' } }));
    expect(res.status).toBe(415);
  });
});
