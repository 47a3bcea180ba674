import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, notificationOutbox, storedFiles } from '../../db/schema.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { form, jpgFile, pngFile, rarFile, textFile, zipFile } from '../support/files.js';
import { DECLARED, enterpriseFields, enterpriseFiles, enterpriseForm, HANDLER_ID } from '../support/kinds.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let reviewer: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp({ captureLogs: true });
  tenant = await app.addTenant();
  other = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '王芳', email: 'wang@example.com', mobile: '+8613900139000', subscriptions: ['enterprise_qualification'] });
  const member = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(member.email, member.password);
});

afterAll(async () => {
  await app?.stop();
});

const stagingFiles = async () => fs.readdir(path.join(app.web.deps.files.root, 'staging'));

async function submit(f = enterpriseForm(), headers: Record<string, string> = {}) {
  const res = await app.api(tenant, 'POST', '/enterprises', f, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; subjectId: string; enterpriseId: string; status: string; round: number; handlerIdNumber: string };
}

describe('enterprise qualification intake', () => {
  it('when a tenant submits the form with four JPG files, then it answers 201 with a pending review and the ID number masked', async () => {
    const view = await submit();
    expect(view).toMatchObject({ kind: 'enterprise_qualification', status: 'pending', round: 1, enterpriseStatus: 'pending' });
    expect(view.subjectId).toMatch(/^EQ[0-9A-Z]{16}$/);
    expect(view.handlerIdNumber).toBe(`${HANDLER_ID.slice(0, 3)}${'*'.repeat(11)}${HANDLER_ID.slice(-4)}`);
    const read = await app.api(tenant, 'GET', `/enterprises/${view.subjectId}`);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain(HANDLER_ID);
    const files = await app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, view.subjectId));
    expect(files.map((f) => [f.field, f.fileType]).sort()).toEqual([['handlerIdBack', 'jpg'], ['handlerIdFront', 'jpg'], ['handlerWithId', 'jpg'], ['license', 'jpg']]);
    expect(files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it('when a PNG is renamed license.jpg, then it is refused with 415 naming the field and nothing is kept', async () => {
    const files = { ...enterpriseFiles(), license: { name: 'license.jpg', content: pngFile() } };
    const res = await app.api(tenant, 'POST', '/enterprises', form(enterpriseFields(), files));
    expect(res.status).toBe(415);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'license', message: expect.stringContaining('png') })]);
    expect(await stagingFiles()).toEqual([]);
  });

  it('when a licence JPG is larger than 2 MB, then it is refused with 413 naming the field', async () => {
    const files = { ...enterpriseFiles(), license: { name: 'license.jpg', content: jpgFile({ padTo: 2 * 1024 * 1024 + 1 }) } };
    const res = await app.api(tenant, 'POST', '/enterprises', form(enterpriseFields(), files));
    expect(res.status).toBe(413);
    expect(res.body.error.details[0].path).toBe('license');
    expect(await stagingFiles()).toEqual([]);
  });

  it('when a required file is missing, or fixed lines are wanted without the signed letters, then 422 names each missing file', async () => {
    const { handlerWithId: _, ...three } = enterpriseFiles();
    const missing = await app.api(tenant, 'POST', '/enterprises', form(enterpriseFields(), three));
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toEqual(['handlerWithId']);
    const letters = await app.api(tenant, 'POST', '/enterprises', enterpriseForm({ fixedLine: 'true' }));
    expect(letters.status).toBe(422);
    expect(letters.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['applicationLetter', 'commitmentLetter']);
    const withLetters = await app.api(tenant, 'POST', '/enterprises', enterpriseForm({ fixedLine: 'true' }, {
      ...enterpriseFiles(),
      applicationLetter: { name: 'apply.jpg', content: jpgFile() },
      commitmentLetter: { name: 'commit.jpg', content: jpgFile() },
    }));
    expect(withLetters.status).toBe(201);
  });

  it('when other materials are a ZIP or a RAR, then they are kept; a text file renamed .zip is refused with 415', async () => {
    expect((await app.api(tenant, 'POST', '/enterprises', enterpriseForm({}, { ...enterpriseFiles(), otherMaterials: { name: 'more.zip', content: zipFile({ 'a.txt': 'hello' }) } }))).status).toBe(201);
    expect((await app.api(tenant, 'POST', '/enterprises', enterpriseForm({}, { ...enterpriseFiles(), otherMaterials: { name: 'more.rar', content: rarFile() } }))).status).toBe(201);
    const fake = await app.api(tenant, 'POST', '/enterprises', enterpriseForm({}, { ...enterpriseFiles(), otherMaterials: { name: 'more.zip', content: textFile() } }));
    expect(fake.status).toBe(415);
    expect(fake.body.error.details[0].path).toBe('otherMaterials');
  });

  it('when the ID number or licence code fails its check digit, then 422 names the field in the caller’s language', async () => {
    const res = await app.api(tenant, 'POST', '/enterprises', enterpriseForm({ handlerIdNumber: '110105194912310020', licenseCode: '91110108MA01ABCD1Z' }), { 'accept-language': 'zh-CN' });
    expect(res.status).toBe(422);
    const byPath = Object.fromEntries(res.body.error.details.map((d: { path: string; message: string }) => [d.path, d.message]));
    expect(byPath.handlerIdNumber).toContain('身份证');
    expect(byPath.licenseCode).toContain('统一社会信用代码');
    expect(JSON.stringify(res.body)).not.toContain('110105194912310020');
  });

  it('when the body is JSON instead of a form, then it is refused with 415', async () => {
    const res = await app.api(tenant, 'POST', '/enterprises', enterpriseFields());
    expect(res.status).toBe(415);
  });

  it('when the same form is retried with one Idempotency-Key, then the same review comes back', async () => {
    const first = await submit(enterpriseForm(), { 'idempotency-key': 'eq-retry-1' });
    const again = await submit(enterpriseForm(), { 'idempotency-key': 'eq-retry-1' });
    expect(again.id).toBe(first.id);
    expect(await stagingFiles()).toEqual([]);
  });

  it('when another tenant asks for the enterprise, then it is not found', async () => {
    const view = await submit();
    expect((await app.api(other, 'GET', `/enterprises/${view.subjectId}`)).status).toBe(404);
  });
});

describe('enterprise qualification review', () => {
  it('when a reviewer opens it, then every field and file is laid out and the ID number shows whole once; files need a login', async () => {
    const view = await submit();
    const page = await reviewer.get(`/reviews/${view.id}`);
    expect(page.status).toBe(200);
    expect(page.html.split(HANDLER_ID).length - 1).toBe(1);
    // An auditor reads the page without judging it: the number masked.
    const auditorMember = await app.addStaff('auditor');
    const auditor = new BackOfficeSession(app.url);
    await auditor.login(auditorMember.email, auditorMember.password);
    const audited = await auditor.get(`/reviews/${view.id}`);
    expect(audited.status).toBe(200);
    expect(audited.html).not.toContain(HANDLER_ID);
    expect(audited.html).toContain(`${HANDLER_ID.slice(0, 3)}${'*'.repeat(11)}${HANDLER_ID.slice(-4)}`);
    const fileIds = [...page.html.matchAll(/src="\/files\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(fileIds).toHaveLength(4);
    const image = await fetch(`${app.url}/files/${fileIds[0]}`, { headers: { cookie: reviewer.cookieHeader() } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(`${app.url}/files/${fileIds[0]}`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${app.url}/files/../../etc/passwd`, { headers: { cookie: reviewer.cookieHeader() } })).status).toBe(404);
  });

  it('when approved, then the contact hears it and neither the notice, the logs nor the API carry the ID number', async () => {
    const view = await submit();
    const res = await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    expect(res.status).toBe(200);
    const read = await app.api(tenant, 'GET', `/enterprises/${view.subjectId}`);
    expect(read.body).toMatchObject({ status: 'approved', enterpriseStatus: 'approved' });
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, view.id));
    expect(notices.map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    for (const n of notices) expect(`${n.subject} ${n.body}`).not.toContain(HANDLER_ID);
    expect(app.logLines.join('\n')).not.toContain(HANDLER_ID);
  });

  it('when an approved enterprise edits its scenario and script, then the old text stays in force until the edit is approved', async () => {
    const view = await submit();
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    const edit = await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, { declaration: DECLARED, scenario: '新的业务场景', script: '新的话术' });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ status: 'pending', round: 2, enterpriseStatus: 'approved', scenario: '快递到达通知', pendingEdit: { declaration: DECLARED, scenario: '新的业务场景', script: '新的话术' } });
    const page = await reviewer.get(`/reviews/${view.id}`);
    expect(page.html).toContain('新的业务场景');
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    const after = await app.api(tenant, 'GET', `/enterprises/${view.subjectId}`);
    expect(after.body).toMatchObject({ enterpriseStatus: 'approved', scenario: '新的业务场景', script: '新的话术', pendingEdit: null });

    await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, { declaration: DECLARED, scenario: '被驳回的场景', script: '被驳回的话术' });
    await decideInBackOffice(reviewer, view.id, { outcome: 'rejected', reasonCode: 'scenario_noncompliant' });
    const rejected = await app.api(tenant, 'GET', `/enterprises/${view.subjectId}`);
    expect(rejected.body).toMatchObject({ status: 'rejected', enterpriseStatus: 'approved', scenario: '新的业务场景', pendingEdit: null });
  });

  it('when a rejected enterprise sends the whole form again, then a new round reviews the new files', async () => {
    const view = await submit();
    await decideInBackOffice(reviewer, view.id, { outcome: 'rejected', reasonCode: 'license_illegible' });
    const again = await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, enterpriseForm({ companyName: '示例物流科技（北京）有限公司' }, { ...enterpriseFiles(), license: { name: 'clear.jpg', content: jpgFile({ width: 800, height: 600 }) } }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'pending', round: 2, companyName: '示例物流科技（北京）有限公司' });
    const files = await app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, view.subjectId));
    expect(files.filter((f) => f.round === 2)).toHaveLength(4);
    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.objectId, view.id));
    expect(audit.map((a) => a.action)).toEqual(['review.reject']);
  });

  it('when a pending enterprise is sent only a scenario change, then the form is not approved yet and only those fields change', async () => {
    const view = await submit();
    const res = await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, { declaration: DECLARED, scenario: '改过的场景', script: '改过的话术' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ round: 2, enterpriseStatus: 'pending', scenario: '改过的场景', pendingEdit: null });
  });
});
