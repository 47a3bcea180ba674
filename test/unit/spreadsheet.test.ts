import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { readFirstColumn, SpreadsheetRefused } from '../../files/spreadsheet.js';
import { handMadeXlsx, sheetXml } from '../support/numbers.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-sheet-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: Buffer | ExcelJS.Workbook): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, content instanceof ExcelJS.Workbook ? Buffer.from(await content.xlsx.writeBuffer()) : content);
  return p;
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SpreadsheetRefused);
  return (err as SpreadsheetRefused).problem;
};

describe('reading the first column of an xlsx', () => {
  it('when the first tab is not the workbook’s first sheet part, then the first tab is read and the other sheets are not', async () => {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('notes');
    notes.addRow(['010-99999999']);
    const list = wb.addWorksheet('list');
    list.addRow(['号码']);
    list.addRow(['010-12345678']);
    Object.assign(list, { orderNo: 0 });
    Object.assign(notes, { orderNo: 1 });
    // exceljs writes sheets in tab order by orderNo: 'list' becomes the first tab while its part is sheet2.xml.
    (wb as unknown as { _worksheets: unknown[] })._worksheets = [undefined, list, notes];
    const entries = await readFirstColumn(await file('tabs.xlsx', wb), 10);
    expect(entries).toEqual([{ row: 2, text: '010-12345678' }]);
  });

  it('when text is shared, inline or typed as a number, then each is read as text; empty rows and other columns are skipped', async () => {
    const inline = handMadeXlsx(
      sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>010-12345678</t></is></c></row><row r="3"><c r="B3" t="inlineStr"><is><t>note</t></is></c></row><row r="4"><c r="A4"><v>1012345679</v></c></row>'),
    );
    expect(await readFirstColumn(await file('inline.xlsx', inline), 10)).toEqual([{ row: 1, text: '010-12345678' }, { row: 4, text: '1012345679' }]);
  });

  it('when rows reach the last column, then the cell limit refuses the sheet before it is all read', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>010-1234567${i % 10}</t></is></c><c r="XFD${i + 1}"><v>1</v></c></row>`).join('');
    expect(await refusal(readFirstColumn(await file('wide.xlsx', handMadeXlsx(sheetXml(rows))), 10_000))).toEqual({ code: 'too_many_cells', max: 200_000 });
  });

  it('when the file is a zip without a workbook, or not a zip, then it is not a workbook', async () => {
    expect(await refusal(readFirstColumn(await file('plain.zip', Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'binary')), 10))).toMatchObject({ code: 'not_a_workbook', detail: 'xl/workbook.xml is missing' });
    expect(await refusal(readFirstColumn(await file('text.xlsx', Buffer.from('010-12345678\n')), 10))).toMatchObject({ code: 'not_a_workbook' });
  });
});
