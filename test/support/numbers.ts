import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { apps, enterprises, numbers, tenantServices } from '../../db/schema.js';
import { zipFile } from './files.js';
import type { TestApp } from './test-app.js';

/**
 * Fixtures for number orders and unsubscribe batches. Apps are inserted as rows (their own
 * screens come from elsewhere); an approved enterprise as a row, its review being another
 * suite's business.
 */

export async function approvedEnterprise(
  app: TestApp,
  tenantId: string,
  status: 'approved' | 'pending' | 'rejected' = 'approved',
  over: { fixedLine?: boolean; businessType?: string } = {},
): Promise<string> {
  const id = `EQ${randomBytes(8).toString('hex').toUpperCase()}`;
  await app.database.db.insert(enterprises).values({
    id,
    tenantId,
    reviewId: randomUUID(),
    status,
    businessType: over.businessType ?? 'voice_notification',
    companyName: '示例物流科技有限公司',
    licenseCode: '91110108MA01ABCD1X',
    threeInOne: true,
    fixedLine: over.fixedLine ?? true,
    handlerName: '李明',
    handlerIdNumberSealed: 'sealed-in-fixture',
    handlerIdNumberMasked: '110***********0011',
    handlerMobile: '+8613800138000',
    handlerAddress: '北京市海淀区',
    scenario: '快递通知',
    script: '您好，您的快递已到达。',
    expectedDailyCalls: 1000,
    peakConcurrency: 10,
    approvedAt: status === 'approved' ? new Date() : null,
  });
  return id;
}

/** An app of a business type the tenant has been granted (the grant made here if missing). */
export async function tenantApp(app: TestApp, tenantId: string, status: 'normal' | 'disabled' = 'normal', businessType = 'voice_notification'): Promise<string> {
  await app.database.db.insert(tenantServices).values({ tenantId, businessType, state: 'active', activationId: `SA${'0'.repeat(16)}` }).onConflictDoNothing();
  const [row] = await app.database.db
    .insert(apps)
    .values({ tenantId, name: `app_${randomBytes(4).toString('hex')}`, businessType, status, appKey: `key-${randomUUID()}`, appSecretHash: 'x' })
    .returning({ id: apps.id });
  return row!.id;
}

const handedOut = new Set<string>();

/**
 * A Beijing fixed-line number no other call in this test process has had, in E.164. Drawn at
 * random, so tests do not lean on an order; remembered, because among a few thousand draws from
 * 90 million a repeat is likely enough (about one run in twenty) to fail a unique index.
 */
export function freshNumber(): string {
  for (;;) {
    const n = `+8610${String(randomInt(10_000_000, 99_999_999))}`;
    if (!handedOut.has(n)) {
      handedOut.add(n);
      return n;
    }
  }
}

/** As people write it: 010-xxxxxxxx. */
export const written = (e164: string) => `0${e164.slice(3, 5)}-${e164.slice(5)}`;

/** Numbers issued to a tenant, straight into the table (an order's provisioning is another test's business). */
export async function issuedNumbers(app: TestApp, tenantId: string, count: number, status: 'active' | 'released' = 'active'): Promise<string[]> {
  const list = Array.from({ length: count }, freshNumber);
  for (let i = 0; i < list.length; i += 1000) {
    await app.database.db.insert(numbers).values(
      list.slice(i, i + 1000).map((number) => ({ number, tenantId, orderId: 'NOFIXTURE0000000000', city: '北京', status, rentFrom: '2026-01-01', issuedAt: new Date(), issueKey: `fixture-${randomUUID()}` })),
    );
  }
  return list;
}

export const orderBody = (enterpriseId: string, appId: string, cities: { city: string; count: number }[] = [{ city: '北京', count: 2 }, { city: '上海', count: 1 }]) => ({
  enterpriseId,
  appId,
  contact: { name: '王经理', mobile: '13800138000' },
  cities,
});

export type CellInput = string | number | null | { formula: string; result?: string | number };

/** An .xlsx whose first sheet holds these rows (first column the numbers); more sheets after it if given. */
export async function xlsxFile(rows: CellInput[][], more: Record<string, CellInput[][]> = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const first = wb.addWorksheet('numbers');
  for (const row of rows) first.addRow(row.map((c) => (c === null ? undefined : c)));
  for (const [name, sheetRows] of Object.entries(more)) {
    const ws = wb.addWorksheet(name);
    for (const row of sheetRows) ws.addRow(row);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The rows of an .xlsx's first sheet, as values (what a tenant sees opening the results). */
export async function readXlsx(content: ArrayBuffer | Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(content as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  // An empty cell at a row's end is no cell at all: read as '' up to the widest row.
  ws.eachRow((row) => rows.push(Array.from({ length: ws.columnCount }, (_, i) => (row.values as unknown[])[i + 1] ?? '')));
  return rows;
}

const CONTENT_TYPES_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const WORKBOOK_XML =
  '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';

/**
 * An .xlsx made by hand around a given sheet XML (a workbook by its content), for sheets no
 * spreadsheet program writes: a part that unpacks to hundreds of megabytes, a directory that
 * lies about a part's size (`declareSheetSize`).
 */
export function handMadeXlsx(sheetXml: Buffer, opts: { declareSheetSize?: number } = {}): Buffer {
  const zip = zipFile({ '[Content_Types].xml': CONTENT_TYPES_XML, 'xl/workbook.xml': WORKBOOK_XML, 'xl/_rels/workbook.xml.rels': WORKBOOK_RELS_XML, 'xl/worksheets/sheet1.xml': sheetXml });
  if (opts.declareSheetSize !== undefined) {
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
    for (let at = zip.indexOf(signature); at >= 0; at = zip.indexOf(signature, at + 4)) {
      if (zip.subarray(at + 46, at + 46 + zip.readUInt16LE(at + 28)).equals(name)) zip.writeUInt32LE(opts.declareSheetSize, at + 24);
    }
  }
  return zip;
}

export const sheetXml = (rowsXml: Buffer | string) =>
  Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'), Buffer.from(rowsXml), Buffer.from('</sheetData></worksheet>')]);

/** A sheet of `count` rows, each an inline-string number in column A, built without a spreadsheet library. */
export function manyRowsXml(count: number): Buffer {
  const parts: Buffer[] = [];
  for (let start = 1; start <= count; start += 50_000) {
    let chunk = '';
    for (let r = start; r < Math.min(start + 50_000, count + 1); r++) chunk += `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>010${String(20_000_000 + (r % 70_000_000))}</t></is></c></row>`;
    parts.push(Buffer.from(chunk));
  }
  return sheetXml(Buffer.concat(parts));
}
