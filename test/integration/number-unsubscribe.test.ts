import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, batchNumbers, notificationOutbox, numbers, storedFiles } from '../../db/schema.js';
import { rentUntil } from '../../domain/numbers.js';
import { BackOfficeSession } from '../support/back-office.js';
import { form, pngFile, textFile, zipFile } from '../support/files.js';
import { freshNumber, handMadeXlsx, issuedNumbers, manyRowsXml, readXlsx, sheetXml, written, xlsxFile, type CellInput } from '../support/numbers.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let reviewer: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  other = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '钱进', email: 'qian@example.com', mobile: '+8613500135000', language: 'en', subscriptions: ['number_order'] });
  const member = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(member.email, member.password);
});

afterAll(async () => {
  await app?.stop();
});

type BatchView = { id: string; kind: string; subjectId: string; status: string; counts: { total: number; released: number; failed: number } };

const upload = (content: Buffer, note = '月底退订', name = 'numbers.xlsx', who: TestTenant = tenant, headers: Record<string, string> = {}) =>
  app.api(who, 'POST', '/number-unsubscriptions', form({ note }, { file: { name, content } }), headers);

async function submit(rows: CellInput[][], note?: string): Promise<BatchView> {
  const res = await upload(await xlsxFile(rows), note);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as BatchView;
}

async function finished(b: BatchView): Promise<BatchView> {
  await expect.poll(async () => (await app.api(tenant, 'GET', `/number-unsubscriptions/${b.subjectId}`)).body.status, { timeout: 30_000 }).not.toBe('checking');
  return (await app.api(tenant, 'GET', `/number-unsubscriptions/${b.subjectId}`)).body as BatchView;
}

async function results(b: BatchView, lang = 'en'): Promise<unknown[][]> {
  const res = await fetch(`${app.url}/api/v1/number-unsubscriptions/${b.subjectId}/results`, { headers: { authorization: `Bearer ${tenant.apiKey}`, 'accept-language': lang } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  return readXlsx(await res.arrayBuffer());
}

const stagingFiles = async () => fs.readdir(path.join(app.web.deps.files.root, 'staging'));

describe('unsubscribe batches', () => {
  it('when every listed number is the tenant’s and active, then the 201 is a checking batch, it ends completed, the numbers are released with rent until the month’s end, and the results say so', async () => {
    const owned = await issuedNumbers(app, tenant.tenant.id, 5);
    // As people write them: a header, dashes, +86, spaces, a number typed as a number (its 0 lost).
    const rows: CellInput[][] = [['号码'], [written(owned[0]!)], [owned[1]!], [`+86 ${owned[2]!.slice(3, 5)} ${owned[2]!.slice(5)}`], [Number(owned[3]!.slice(3))], [written(owned[4]!), '备注列']];
    const b = await submit(rows, '整批退订');
    expect(b).toMatchObject({ kind: 'number_unsubscribe', status: 'checking', counts: { total: 5, released: 0, failed: 0 } });
    expect(b.subjectId).toMatch(/^NU[0-9A-Z]{16}$/);
    const stored = await app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, b.subjectId));
    expect(stored.map((f) => f.fileType)).toEqual(['xlsx']);
    const done = await finished(b);
    expect(done).toMatchObject({ status: 'completed', counts: { total: 5, released: 5, failed: 0 } });
    const rows2 = await app.database.db.select().from(numbers).where(inArray(numbers.number, owned));
    expect(rows2.every((n) => n.status === 'released' && n.rentUntil === rentUntil(n.releasedAt!) && n.releasedByBatch === b.subjectId)).toBe(true);
    const listed = (await app.api(tenant, 'GET', '/numbers?status=released')).body.items as { number: string; status: string; rentUntil: string }[];
    expect(listed.map((n) => n.number)).toEqual(expect.arrayContaining(owned));
    const sheet = await results(b);
    expect(sheet).toEqual([['Number', 'Outcome', 'Reason', 'Outcome code'], ...owned.map((n) => [n, 'Released', '', 'released'])]);
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.event, 'number_unsubscribe.completed'));
    expect(notices.filter((n) => n.reviewId === b.id).map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    expect(await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'numbers.release'), eq(auditLog.objectId, b.subjectId)))).toHaveLength(1);
  });

  it('when a sheet mixes good numbers with bad text, another tenant’s, released, repeated and unknown ones, then it partially succeeds and the results give each reason in the caller’s language', async () => {
    const [mine1, mine2] = await issuedNumbers(app, tenant.tenant.id, 2);
    const [released] = await issuedNumbers(app, tenant.tenant.id, 1, 'released');
    const [theirs] = await issuedNumbers(app, other.tenant.id, 1);
    const unknown = freshNumber();
    const b = await submit([['number'], [mine1!], ['not a number 123'], [theirs!], [released!], [mine2!], [written(mine1!)], [unknown]]);
    const done = await finished(b);
    expect(done).toMatchObject({ status: 'partially_succeeded', counts: { total: 7, released: 2, failed: 5 } });
    expect(await results(b, 'zh-CN')).toEqual([
      ['号码', '结果', '原因', '结果代码'],
      [mine1, '退订成功', '', 'released'],
      ['not a number 123', '检查不通过', '不是有效的固话号码', 'check_failed'],
      [theirs, '检查不通过', '不是本账户的号码', 'check_failed'],
      [released, '检查不通过', '号码已退订', 'check_failed'],
      [mine2, '退订成功', '', 'released'],
      [mine1, '检查不通过', '本批次中重复出现', 'check_failed'],
      [unknown, '检查不通过', '不是本账户的号码', 'check_failed'],
    ]);
    expect((await results(b, 'en'))[2]).toEqual(['not a number 123', 'Check failed', 'Not a valid fixed-line number', 'check_failed']);
    const [theirsRow] = await app.database.db.select().from(numbers).where(eq(numbers.number, theirs!));
    expect(theirsRow?.status).toBe('active');

    // The failed rows, as downloaded, go back as a new batch once the unknown number has been issued to the tenant.
    const failedRows = (await results(b)).filter((r) => r[3] === 'check_failed').map((r) => [r[0] as string]);
    await app.database.db.insert(numbers).values({ number: unknown, tenantId: tenant.tenant.id, orderId: 'NOFIXTURE0000000000', city: '北京', rentFrom: '2026-01-01', issuedAt: new Date(), issueKey: 'late-issue' });
    const again = await finished(await submit([['number'], ...failedRows]));
    expect(again).toMatchObject({ status: 'partially_succeeded', counts: { total: 5, released: 1, failed: 4 } });
    expect((await results(again)).find((r) => r[0] === unknown)).toEqual([unknown, 'Released', '', 'released']);
  });

  it('when the numbers come as JSON instead of a sheet, then they are checked and released exactly as a sheet’s, and more than 10,000 is 422', async () => {
    const [mine] = await issuedNumbers(app, tenant.tenant.id, 1);
    const [theirs] = await issuedNumbers(app, other.tenant.id, 1);
    const res = await app.api(tenant, 'POST', '/number-unsubscriptions', { numbers: [written(mine!), '', theirs!, 'not a number'], note: '从号码列表勾选' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'number_unsubscribe', status: 'checking', note: '从号码列表勾选', counts: { total: 3 } });
    const done = await finished(res.body as BatchView);
    expect(done).toMatchObject({ status: 'partially_succeeded', counts: { total: 3, released: 1, failed: 2 } });
    expect((await results(done, 'en')).slice(1)).toEqual([
      [mine, 'Released', '', 'released'],
      [theirs, 'Check failed', 'Not a number of this account', 'check_failed'],
      ['not a number', 'Check failed', 'Not a valid fixed-line number', 'check_failed'],
    ]);
    const tooMany = await app.api(tenant, 'POST', '/number-unsubscriptions', { numbers: Array.from({ length: 10_001 }, () => '01012345678') }, { 'accept-language': 'zh-CN' });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details[0]).toMatchObject({ path: 'numbers', message: expect.stringContaining('10000') });
    const none = await app.api(tenant, 'POST', '/number-unsubscriptions', { numbers: [] });
    expect(none.status).toBe(422);
    expect(none.body.error.details[0].path).toBe('numbers');
  });

  it('when the tenant downloads the template, then it is an .xlsx whose header is in the caller’s language, and it can be filled in and uploaded', async () => {
    for (const [lang, header] of [['zh-CN', '号码'], ['en', 'Number']] as const) {
      const res = await fetch(`${app.url}/api/v1/number-unsubscriptions/template`, { headers: { authorization: `Bearer ${tenant.apiKey}`, 'accept-language': lang } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const rows = await readXlsx(Buffer.from(await res.arrayBuffer()));
      expect(rows).toEqual([[header]]);
    }
    const unauthenticated = await fetch(`${app.url}/api/v1/number-unsubscriptions/template`);
    expect(unauthenticated.status).toBe(401);
  });

  it('when a number passed the check but its release failed, then the results say release_failed, told apart from a failed check, in both languages', async () => {
    const [mine, gone] = await issuedNumbers(app, tenant.tenant.id, 2);
    const b = await finished(await submit([[mine!], [gone!]]));
    // The release step's own failure, as the chunk writes it when another request released the number between its check and its release.
    await app.database.db.update(batchNumbers).set({ outcome: 'failed', reason: 'release_conflict' }).where(and(eq(batchNumbers.batchId, b.subjectId), eq(batchNumbers.number, gone!)));
    expect((await results(b, 'en'))[2]).toEqual([gone, 'Release failed', expect.stringContaining('another request released it'), 'release_failed']);
    expect((await results(b, 'zh-CN'))[2]).toEqual([gone, '退订失败', expect.stringContaining('已被另一请求退订'), 'release_failed']);
  });

  it('when no listed number can be released, then the batch ends check_failed and releases nothing', async () => {
    const [theirs] = await issuedNumbers(app, other.tenant.id, 1);
    const done = await finished(await submit([[theirs!], ['12345'], [freshNumber()]]));
    expect(done).toMatchObject({ status: 'check_failed', counts: { total: 3, released: 0, failed: 3 } });
    expect((await app.database.db.select().from(numbers).where(eq(numbers.number, theirs!)))[0]?.status).toBe('active');
  });

  it('when formulas are in the list, then a formula’s cached value is used and one without a value is skipped, never evaluated', async () => {
    const [a, b2] = await issuedNumbers(app, tenant.tenant.id, 2);
    const b = await submit([['number'], [{ formula: '"0"&"10"&"12345678"', result: written(a!) }], [{ formula: `"${written(b2!)}"` }], [b2!]]);
    expect(b.counts.total).toBe(2);
    const done = await finished(b);
    expect(done.counts).toEqual({ total: 2, released: 2, failed: 0 });
    const listed = await app.database.db.select().from(batchNumbers).where(eq(batchNumbers.batchId, b.subjectId));
    expect(listed.map((r) => [r.sheetRow, r.number])).toEqual([[2, a], [4, b2]]);
  });

  it('when the sheet has no numbers, then 422; with 10,001 numbers, then 422 saying at most 10,000, while 10,000 are taken', async () => {
    const empty = await upload(await xlsxFile([['number']]), 'x', 'empty.xlsx', tenant, { 'accept-language': 'en' });
    expect(empty.status).toBe(422);
    expect(empty.body.error.details).toEqual([{ path: 'file', message: 'the first column of the first sheet has no numbers' }]);
    const blank = await upload(await xlsxFile([]), 'x', 'blank.xlsx', tenant, { 'accept-language': 'zh-CN' });
    expect(blank.status).toBe(422);
    expect(blank.body.error.details[0].message).toBe('第一个工作表的第一列没有号码');
    const rows = (n: number): CellInput[][] => [['number'], ...Array.from({ length: n }, (_, i) => [`010${String(30_000_000 + i)}`])];
    const tooMany = await upload(await xlsxFile(rows(10_001)), 'x', 'many.xlsx', tenant, { 'accept-language': 'en' });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details).toEqual([{ path: 'file', message: 'more than 10000 numbers; split them into several batches' }]);
    const most = await upload(await xlsxFile(rows(10_000)));
    expect(most.status).toBe(201);
    expect(most.body.counts).toEqual({ total: 10_000, released: 0, failed: 0 });
    expect(await stagingFiles()).toEqual([]);
  });

  it('when the file is not an xlsx by its content (text, PNG or a plain zip named .xlsx), then 415 names the field', async () => {
    for (const content of [textFile('010-12345678\n'), pngFile(), zipFile({ 'numbers.txt': '010-12345678' })]) {
      const res = await upload(content, 'x', 'numbers.xlsx');
      expect(res.status).toBe(415);
      expect(res.body.error.details[0].path).toBe('file');
    }
    expect(await stagingFiles()).toEqual([]);
  });

  it('when the sheet unpacks to hundreds of megabytes, its directory lies about a part’s size, or it holds a million rows, then it is refused within a second with a clear error', async () => {
    const bomb = handMadeXlsx(sheetXml(Buffer.alloc(300 * 1024 * 1024, 0x20)));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const cases: [Buffer, number, string][] = [
      [bomb, 413, 'xl/worksheets/sheet1.xml exceeds 16 MB'],
      [handMadeXlsx(sheetXml(Buffer.alloc(300 * 1024 * 1024, 0x20)), { declareSheetSize: 2000 }), 422, 'does not unpack to the size'],
      [handMadeXlsx(manyRowsXml(1_000_000)), 413, 'at most 10,000 numbers'],
    ];
    // Building them held this process (and the app in it) for seconds: let the app's idle-connection timers run first.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const [content, status, text] of cases) {
      const started = performance.now();
      const res = await upload(content, 'x', 'big.xlsx', tenant, { 'accept-language': 'en' });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(res.status).toBe(status);
      expect(res.body.error.details[0]).toEqual({ path: 'file', message: expect.stringContaining(text) });
    }
    expect(await stagingFiles()).toEqual([]);
  });

  it('when the note is longer than 100 characters or the file is missing, then 422 names the field', async () => {
    const long = await upload(await xlsxFile([[freshNumber()]]), 'n'.repeat(101));
    expect(long.status).toBe(422);
    expect(long.body.error.details.map((d: { path: string }) => d.path)).toEqual(['note']);
    const missing = await app.api(tenant, 'POST', '/number-unsubscriptions', form({ note: 'x' }));
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toEqual(['file']);
  });

  it('when another tenant asks for the batch or its results, or results are asked before the end, then 404 and 409', async () => {
    const b = await submit([[freshNumber()]]);
    expect((await app.api(other, 'GET', `/number-unsubscriptions/${b.subjectId}`)).status).toBe(404);
    expect((await app.api(other, 'GET', `/number-unsubscriptions/${b.subjectId}/results`)).status).toBe(404);
    const early = await app.api(tenant, 'GET', `/number-unsubscriptions/${b.subjectId}/results`);
    expect([200, 409]).toContain(early.status);
    if (early.status === 409) expect(early.body.error.code).toBe('not_finished');
    await finished(b);
  });

  it('when the same upload is retried with one Idempotency-Key, then the same batch comes back and its numbers are stored once', async () => {
    const content = await xlsxFile([[freshNumber()], [freshNumber()]]);
    const first = await upload(content, 'same', 'a.xlsx', tenant, { 'idempotency-key': 'batch-retry-1' });
    const again = await upload(content, 'same', 'a.xlsx', tenant, { 'idempotency-key': 'batch-retry-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await app.database.db.select().from(batchNumbers).where(eq(batchNumbers.batchId, first.body.subjectId))).toHaveLength(2);
    expect(await stagingFiles()).toEqual([]);
  });

  it('when staff open a batch, then they see its progress and failures, and the results page filters on failures', async () => {
    const [mine] = await issuedNumbers(app, tenant.tenant.id, 1);
    const b = await finished(await submit([[mine!], ['bad'], ['010-1']]));
    const page = await reviewer.get(`/reviews/${b.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('class="count-released">1<');
    expect(page.html).toContain('class="count-failed">2<');
    expect(page.html).toContain('<code>bad</code>');
    const failedOnly = await reviewer.get(`/number-batches/${b.subjectId}?outcome=failed`);
    expect(failedOnly.status).toBe(200);
    expect(failedOnly.html.match(/class="outcome-failed"/g)).toHaveLength(2);
    expect(failedOnly.html).not.toContain('class="outcome-released"');
    const all = await reviewer.get(`/number-batches/${b.subjectId}`);
    expect(all.html.match(/<tr class="outcome-/g)).toHaveLength(3);
    expect((await fetch(`${app.url}/number-batches/${b.subjectId}`, { redirect: 'manual' })).status).toBe(303);
  });
});
