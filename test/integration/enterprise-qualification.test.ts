import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, declarationAcceptances, enterprises, notificationOutbox, reviews, storedFiles } from '../../db/schema.js';
import { residentIdNumber } from '../support/identity.js';
import { saveRuleSet } from '../support/rules.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { form, jpgFile, pngFile, rarFile, textFile, zipFile } from '../support/files.js';
import { DECLARED, enterpriseFields, enterpriseFiles, enterpriseForm, HANDLER_ID } from '../support/kinds.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let reviewer: BackOfficeSession;
/** The authorisation statement's version in force, once a test has published another. */
const DECLARED_NOW = { version: DECLARED };

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
    expect(edit.body).toMatchObject({ status: 'pending', round: 2, enterpriseStatus: 'approved', scenario: '快递到达通知', pendingEdit: { scenario: '新的业务场景', script: '新的话术' } });
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

describe('declarations, the image pre-check, risk signals and the other edits', () => {
  let admin: BackOfficeSession;
  beforeAll(async () => {
    const a = await app.addStaff('admin');
    admin = new BackOfficeSession(app.url);
    await admin.login(a.email, a.password);
  });

  it('when the authorisation statement is not accepted in the version in force, then 422 says which and how; an accepted one is kept with version, time, key and address and shown on the review page', async () => {
    const fields = enterpriseFields();
    const { declaration: _, ...undeclared } = fields;
    const absent = await app.api(tenant, 'POST', '/enterprises', form(undeclared, enterpriseFiles()), { 'accept-language': 'zh-CN' });
    expect(absent.status).toBe(422);
    expect(absent.body.error).toMatchObject({ code: 'declaration_required', details: [{ path: 'declaration', message: expect.stringContaining('请先阅读并同意授权声明') }] });
    const listed = await app.api(tenant, 'GET', '/declarations', undefined, { 'accept-language': 'en' });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: 'service_statement', version: '1', title: 'Voice-call service statement' }),
      expect.objectContaining({ id: 'enterprise_authorisation', version: '1', title: 'Authorisation statement' }),
    ]);

    // An admin publishes version 2 in both languages through the back office: version 1 is refused from then on.
    await admin.get('/declarations/enterprise_authorisation');
    const published = await admin.post('/admin/declarations/enterprise_authorisation', { titleZh: '授权声明（2027 版）', titleEn: 'Authorisation statement (2027)', textZh: '新版正文', textEn: 'The new text' });
    expect(published.status).toBe(303);
    expect((await admin.get(published.headers.get('location')!)).html).toContain('已发布授权声明（2027 版）第 2 版');
    const old = await app.api(tenant, 'POST', '/enterprises', enterpriseForm(), { 'accept-language': 'en' });
    expect(old.status).toBe(422);
    expect(old.body.error).toMatchObject({ code: 'declaration_outdated', message: expect.stringContaining('has a new version, 2 (you accepted 1)') });
    expect((await app.api(tenant, 'POST', '/enterprises', enterpriseForm({ declaration: '7' }))).body.error.code).toBe('declaration_unknown');
    const accepted = await submit(enterpriseForm({ declaration: '2' }));
    const [row] = await app.database.db.select().from(declarationAcceptances).where(eq(declarationAcceptances.reviewId, accepted.id));
    expect(row).toMatchObject({ declarationId: 'enterprise_authorisation', version: 2, round: 1, subjectId: accepted.subjectId, ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(row!.apiKeyId).toMatch(/^[0-9a-f-]{36}$/);
    const page = await reviewer.get(`/reviews/${accepted.id}`);
    expect(page.html).toContain('授权声明（2027 版） 第 2 版');
    // Every edit ticks it again.
    const edit = await app.api(tenant, 'PUT', `/enterprises/${accepted.subjectId}`, { scenario: '改过的场景' });
    expect(edit.body.error.code).toBe('declaration_required');
    expect((await app.api(tenant, 'PUT', `/enterprises/${accepted.subjectId}`, { declaration: '2', scenario: '改过的场景' })).status).toBe(200);
    expect(await app.database.db.select().from(declarationAcceptances).where(eq(declarationAcceptances.reviewId, accepted.id))).toHaveLength(2);
    // Version 1 stays readable; a reviewer may read but not publish.
    expect((await reviewer.get('/declarations/enterprise_authorisation')).html).toContain('Authorisation statement');
    expect((await reviewer.post('/admin/declarations/enterprise_authorisation', { titleZh: 'x', titleEn: 'x', textZh: 'x', textEn: 'x' })).status).toBe(403);
    const blank = await admin.post('/admin/declarations/enterprise_authorisation', { titleZh: '', titleEn: 'Kept as typed', textZh: '正文', textEn: 'Text' });
    expect(blank.status).toBe(422);
    expect(blank.html).toContain('Kept as typed');
    // Later tests accept version 2.
    DECLARED_NOW.version = '2';
  });

  it('when the business type is missing, then 422 names it; an approved enterprise backs orders of its own type only', async () => {
    const { businessType: _, ...untyped } = enterpriseFields({ declaration: DECLARED_NOW.version });
    const res = await app.api(tenant, 'POST', '/enterprises', form(untyped, enterpriseFiles()));
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['businessType']);
    const typed = await submit(enterpriseForm({ declaration: DECLARED_NOW.version, businessType: 'voice_callback' }));
    expect(typed).toMatchObject({ businessType: 'voice_callback', fixedLine: false });
    const page = await reviewer.get(`/reviews/${typed.id}`);
    expect(page.html).toContain('语音回呼');
    expect(page.html).toContain('未上传固话申请函与承诺函');
  });

  it('when a licence is 1×1 pixels or an ID image does not decode, then the pre-check rejects it at once naming the field and the size, in each reader’s language', async () => {
    const tiny = await submit(enterpriseForm({ declaration: DECLARED_NOW.version }, { ...enterpriseFiles(), license: { name: 'tiny.jpg', content: jpgFile({ width: 1, height: 1 }) } }));
    const read = async (lang: 'zh-CN' | 'en') => (await app.api(tenant, 'GET', `/enterprises/${tiny.subjectId}`, undefined, { 'accept-language': lang })).body;
    await expect.poll(async () => (await read('en')).status, { timeout: 20_000 }).toBe('rejected');
    expect((await read('zh-CN')).decision).toMatchObject({ reasonCode: 'image_legibility', reasonText: '营业执照 1×1 像素，至少 600×400' });
    expect((await read('en')).decision.reasonText).toBe('Business licence 1×1 pixels, at least 600×400');
    expect((await read('en')).imageCheck).toBe('failed');
    const [review] = await app.database.db.select().from(reviews).where(eq(reviews.id, tiny.id));
    expect(review!.decisionReasonText).toBeNull();
    const page = await reviewer.get(`/reviews/${tiny.id}`);
    expect(page.html).toContain('营业执照 1×1 像素，至少 600×400');

    const cut = jpgFile({ width: 700, height: 500 });
    const broken = await submit(enterpriseForm({ declaration: DECLARED_NOW.version }, { ...enterpriseFiles(), handlerIdBack: { name: 'back.jpg', content: cut.subarray(0, cut.length >> 1) } }));
    await expect.poll(async () => (await app.api(tenant, 'GET', `/enterprises/${broken.subjectId}`, undefined, { 'accept-language': 'en' })).body.decision?.reasonText, { timeout: 20_000 }).toContain(
      'Handler ID, back cannot be decoded as an image',
    );

    // An admin lowers the licence's minimum: a 300×200 licence then passes and waits for a reviewer.
    await admin.get('/admin/rules/enterprise_qualification');
    const lowered = await saveRuleSet(admin, 'enterprise_qualification', { 'image.license.minWidth': '300', 'image.license.minHeight': '200' });
    expect(lowered.status).toBeLessThan(400);
    const small = await submit(enterpriseForm({ declaration: DECLARED_NOW.version }, { ...enterpriseFiles(), license: { name: 'small.jpg', content: jpgFile({ width: 320, height: 240 }) } }));
    await expect.poll(async () => (await app.api(tenant, 'GET', `/enterprises/${small.subjectId}`)).body.imageCheck, { timeout: 20_000 }).toBe('passed');
    expect((await app.api(tenant, 'GET', `/enterprises/${small.subjectId}`)).body.status).toBe('pending');
  });

  it('when the same licence code, handler ID or image file is submitted by another tenant, then the review page shows the signals with links and the dashboard counts them', async () => {
    const licenseCode = enterpriseFields().licenseCode;
    const first = await submit(enterpriseForm({ declaration: DECLARED_NOW.version, licenseCode }));
    // The tenant's own enterprises under one licence are no signal across tenants (only its handler's count is).
    const firstPage = (await reviewer.get(`/reviews/${first.id}`)).html;
    expect(firstPage).not.toContain('相同证照号码也出现在');
    expect(firstPage).toContain('该经办人证件号码共关联');
    await decideInBackOffice(reviewer, first.id, { outcome: 'approved' });
    const count = (html: string) => Number(/data-figure="risk-signals">(\d+)</.exec(html)?.[1]);
    const again = await app.api(other, 'POST', '/enterprises', enterpriseForm({ declaration: DECLARED_NOW.version, licenseCode, companyName: '另一家物流公司' }));
    expect(again.status).toBe(201);
    const page = await reviewer.get(`/reviews/${again.body.id}`);
    expect(page.html).toContain('风险提示');
    expect(page.html).toContain(`相同证照号码也出现在租户“${tenant.tenant.name}”的企业“示例物流科技有限公司”`);
    expect(page.html).toContain('相同经办人证件号码也出现在');
    expect(page.html).toContain('此前审核通过的同一证照号码企业名称为“示例物流科技有限公司”');
    expect(page.html).toContain('营业执照与租户');
    expect(page.html).toContain(`href="/reviews/${first.id}"`);
    expect(page.html).toContain(`href="/tenants/${tenant.tenant.id}"`);
    // The dashboard counts the open enterprise reviews carrying any signal, this one among them.
    const [mine] = await app.database.db.select({ riskSignals: enterprises.riskSignals }).from(enterprises).where(eq(enterprises.id, again.body.subjectId));
    expect((mine!.riskSignals as unknown[]).length).toBeGreaterThan(0);
    const carrying = async () =>
      (await app.database.db.select({ signals: enterprises.riskSignals, status: reviews.status }).from(enterprises).innerJoin(reviews, eq(reviews.id, enterprises.reviewId))).filter(
        (r) => r.status === 'pending' && (r.signals as unknown[]).length > 0,
      ).length;
    await expect.poll(async () => count((await admin.get('/dashboard')).html) === (await carrying())).toBe(true);
  });

  it('when an approved enterprise changes its contact phone and legal representative, then the ID number is checked, sealed and masked, and the change waits for approval', async () => {
    const view = await submit(enterpriseForm({ declaration: DECLARED_NOW.version }));
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    const legalId = residentIdNumber('44030419850615123');
    const bad = await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, { declaration: DECLARED_NOW.version, legalRepresentativeName: '张三', legalRepresentativeIdNumber: '110105194912310020' }, { 'accept-language': 'zh-CN' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ path: 'legalRepresentativeIdNumber', message: expect.stringContaining('身份证') }]);
    const alone = await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, { declaration: DECLARED_NOW.version, legalRepresentativeName: '张三' });
    expect(alone.body.error.details[0].path).toBe('legalRepresentativeIdNumber');
    const edit = await app.api(tenant, 'PUT', `/enterprises/${view.subjectId}`, { declaration: DECLARED_NOW.version, contactPhone: '010-88886666', legalRepresentativeName: '张三', legalRepresentativeIdNumber: legalId });
    expect(edit.status).toBe(200);
    const masked = `${legalId.slice(0, 3)}${'*'.repeat(11)}${legalId.slice(-4)}`;
    expect(edit.body).toMatchObject({ status: 'pending', round: 2, contactPhone: null, legalRepresentativeName: null, pendingEdit: { contactPhone: '010-88886666', legalRepresentativeName: '张三', legalRepresentativeIdNumber: masked, scenario: '快递到达通知' } });
    expect(JSON.stringify(edit.body)).not.toContain(legalId);
    const [stored] = await app.database.db.select().from(enterprises).where(eq(enterprises.id, view.subjectId));
    expect(JSON.stringify(stored)).not.toContain(legalId);
    const page = await reviewer.get(`/reviews/${view.id}`);
    const at = [...page.html.matchAll(new RegExp(legalId, 'g'))].map((m) => page.html.slice(m.index - 200, m.index + 30));
    expect(at.length, at.join('\n----\n')).toBe(1);
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    const after = await app.api(tenant, 'GET', `/enterprises/${view.subjectId}`);
    expect(after.body).toMatchObject({ contactPhone: '010-88886666', legalRepresentativeName: '张三', legalRepresentativeIdNumber: masked, pendingEdit: null });
    expect(app.logLines.join('\n')).not.toContain(legalId);
  });

  it('when the tenant downloads a file it submitted, then it gets the bytes of the one in force; another tenant, another field or a file never sent is 404', async () => {
    const files = enterpriseFiles();
    const view = await submit(enterpriseForm({ declaration: DECLARED_NOW.version }, files));
    const url = (field: string) => `${app.url}/api/v1/enterprises/${view.subjectId}/files/${field}`;
    const mine = await fetch(url('license'), { headers: { authorization: `Bearer ${tenant.apiKey}` } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toBe('image/jpeg');
    expect(mine.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await mine.arrayBuffer()).equals(files.license.content)).toBe(true);
    expect((await app.api(tenant, 'GET', `/enterprises/${view.subjectId}`)).body.files).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'license', url: `/api/v1/enterprises/${view.subjectId}/files/license` })]));
    expect((await fetch(url('license'), { headers: { authorization: `Bearer ${other.apiKey}` } })).status).toBe(404);
    expect((await fetch(url('applicationLetter'), { headers: { authorization: `Bearer ${tenant.apiKey}` } })).status).toBe(404);
    expect((await fetch(url('passwd'), { headers: { authorization: `Bearer ${tenant.apiKey}` } })).status).toBe(404);
    expect((await fetch(url('license'))).status).toBe(401);
  });
});
