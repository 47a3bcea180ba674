import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { stream as excelStream } from 'exceljs';
import { excel } from './exceljs.js';
import yauzl from 'yauzl';
import { cellText, isHeaderText } from '../domain/numbers.js';
import { storableText } from '../domain/storable.js';
import type { SheetProblem } from '../domain/sheet-problems.js';

/**
 * Reading the first column of an uploaded .xlsx without trusting it.
 *
 * An xlsx is a zip of XML parts. The zip's central directory is read first (yauzl): too many
 * entries, encryption, a missing workbook or a part that says it unpacks to more than its limit
 * are refused before anything is inflated. Then only the parts needed (the workbook, its
 * relationships, the shared strings and the first sheet) are inflated, each through a counter
 * that stops at its limit, and handed to exceljs's streaming reader as a stored (uncompressed)
 * zip built on the fly. So exceljs never inflates anything itself: a part whose local header
 * lies about its size, or that inflates past what the directory claims, stops yauzl
 * (validateEntrySizes) or the counter. Rows and cells are counted as they stream: a sheet with
 * more numbers than allowed is refused as soon as one too many is seen. Formulas are never
 * evaluated: a formula cell gives its cached result, or nothing.
 */

export interface SheetLimits {
  /** Numbers (non-empty first-column cells, after an optional header) the caller accepts. */
  maxNumbers: number;
  /** Cells of any column, counted as the sheet streams (a row reaching column XFD counts 16,384). */
  maxCells: number;
  /** Entries in the zip's central directory. */
  maxEntries: number;
  /** Unpacked bytes of the first sheet's XML. */
  maxSheetBytes: number;
  /** Unpacked bytes of the shared-strings part. */
  maxSharedStringsBytes: number;
  /** Unpacked bytes of the workbook part and of its relationships. */
  maxPartBytes: number;
  /** Wall-clock time for the whole read. */
  maxMillis: number;
}

export const DEFAULT_SHEET_LIMITS: Omit<SheetLimits, 'maxNumbers'> = {
  maxCells: 200_000,
  maxEntries: 1_000,
  maxSheetBytes: 16 * 1024 * 1024,
  maxSharedStringsBytes: 8 * 1024 * 1024,
  maxPartBytes: 2 * 1024 * 1024,
  maxMillis: 20_000,
};

/** The sheet cannot be read as a list of numbers, and why (worded for the tenant by the caller). */
export class SpreadsheetRefused extends Error {
  constructor(readonly problem: SheetProblem) {
    super(`spreadsheet refused: ${problem.code}`);
    this.name = 'SpreadsheetRefused';
  }
}

/** One number as the sheet has it: its row and the text of its first cell. */
export interface SheetEntry {
  row: number;
  text: string;
}

const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const EMPTY_SHARED_STRINGS = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>');

/** A part to hand to exceljs: a zip entry inflated under a limit, or bytes we made. */
type Part = { name: string; entry: yauzl.Entry; limit: number } | { name: string; bytes: Buffer };

/** A stored zip entry's local header: no compression, sizes and CRC from the central directory. */
function localHeader(name: string, crc: number, size: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x0800, 6);
  header.writeUInt16LE(0, 8);
  header.writeUInt32LE(crc >>> 0, 14);
  header.writeUInt32LE(size, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([header, nameBytes]);
}

/** The parts as a stored zip stream, each inflated by yauzl under its byte limit. */
async function* storedZip(zip: yauzl.ZipFile, parts: Part[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    if ('bytes' in part) {
      yield localHeader(part.name, crc32(part.bytes), part.bytes.length);
      yield part.bytes;
      continue;
    }
    const { entry, limit } = part;
    yield localHeader(part.name, entry.crc32, entry.uncompressedSize);
    const stream = await zip.openReadStreamPromise(entry);
    let size = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new SpreadsheetRefused({ code: 'part_too_large', part: entry.fileName, bytes: size, max: limit });
        yield chunk;
      }
    } catch (err) {
      stream.destroy();
      if (err instanceof SpreadsheetRefused) throw err;
      // yauzl stops a part that unpacks to more (or less) than the directory says: a damaged or crafted file.
      throw new SpreadsheetRefused({ code: 'not_a_workbook', detail: `${entry.fileName} does not unpack to the size the zip's directory gives (${err instanceof Error ? err.message : String(err)})` });
    }
  }
  // An end record (no central directory: the reader goes through the entries in order) tells it the zip is whole.
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  yield end;
}

/**
 * Runs exceljs over the parts. Errors of our own stream (a limit, yauzl finding a lie) do not
 * travel through exceljs's pipe, so they are raced against its work; the deadline bounds both.
 */
async function withParts<T>(zip: yauzl.ZipFile, parts: Part[], deadline: number, maxMillis: number, work: (reader: excelStream.xlsx.WorkbookReader) => Promise<T>): Promise<T> {
  const ExcelJS = await excel();
  const source = Readable.from(storedZip(zip, parts), { objectMode: false });
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    source.once('error', reject);
    timer = setTimeout(() => reject(new SpreadsheetRefused({ code: 'too_slow', maxMillis })), Math.max(0, deadline - Date.now()));
  });
  // Settled or not, a late failure after the work is done must not surface as an unhandled rejection.
  failed.catch(() => undefined);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  try {
    return await Promise.race([work(reader), failed]);
  } finally {
    clearTimeout(timer);
    source.destroy();
  }
}

/** exceljs's reader keeps the workbook's sheets and relationships here once it has read them. */
interface ReaderInternals {
  model?: { sheets?: { id?: number; rId?: string }[] };
  workbookRels?: { Id?: string; Target?: string }[];
}

/** The zip path of the workbook's first sheet (the first tab), from the workbook part and its relationships. */
async function firstSheetPath(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, limits: Omit<SheetLimits, 'maxNumbers'>, deadline: number): Promise<string> {
  const parts: Part[] = [WORKBOOK_RELS, WORKBOOK].map((name) => ({ name, entry: entries.get(name)!, limit: limits.maxPartBytes }));
  const { sheets, rels } = await withParts(zip, parts, deadline, limits.maxMillis, async (reader) => {
    for await (const _ of { [Symbol.asyncIterator]: () => reader.parse() }) void _;
    const internals = reader as unknown as ReaderInternals;
    return { sheets: internals.model?.sheets ?? [], rels: internals.workbookRels ?? [] };
  });
  const first = sheets[0];
  const target = rels.find((r) => r.Id === first?.rId)?.Target;
  if (!target) throw new SpreadsheetRefused({ code: 'not_a_workbook', detail: 'the workbook lists no sheet' });
  // Targets are relative to xl/ unless absolute within the package.
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const normalised = path.split('/').reduce<string[]>((acc, seg) => (seg === '..' ? acc.slice(0, -1) : seg === '.' ? acc : [...acc, seg]), []).join('/');
  if (!entries.has(normalised)) throw new SpreadsheetRefused({ code: 'not_a_workbook', detail: `the first sheet (${normalised}) is missing` });
  return normalised;
}

async function readDirectory(zip: yauzl.ZipFile, limits: Omit<SheetLimits, 'maxNumbers'>): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > limits.maxEntries) throw new SpreadsheetRefused({ code: 'too_many_entries', entries: zip.entryCount, max: limits.maxEntries });
  const entries = new Map<string, yauzl.Entry>();
  for await (const entry of zip.eachEntry()) {
    if (entry.isEncrypted()) throw new SpreadsheetRefused({ code: 'encrypted' });
    entries.set(entry.fileName, entry);
  }
  for (const name of [WORKBOOK, WORKBOOK_RELS]) {
    const entry = entries.get(name);
    if (!entry) throw new SpreadsheetRefused({ code: 'not_a_workbook', detail: `${name} is missing` });
    if (entry.uncompressedSize > limits.maxPartBytes) throw new SpreadsheetRefused({ code: 'part_too_large', part: name, bytes: entry.uncompressedSize, max: limits.maxPartBytes });
  }
  return entries;
}

/**
 * The non-empty cells of the first sheet's first column, in row order, without a header row
 * (a first entry with no digit in it). Refuses with SpreadsheetRefused; never inflates more
 * than the limits allow.
 */
export async function readFirstColumn(path: string, maxNumbers: number, overrides: Partial<Omit<SheetLimits, 'maxNumbers'>> = {}): Promise<SheetEntry[]> {
  const limits = { ...DEFAULT_SHEET_LIMITS, ...overrides };
  const deadline = Date.now() + limits.maxMillis;
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (err) {
    throw new SpreadsheetRefused({ code: 'not_a_workbook', detail: err instanceof Error ? err.message : String(err) });
  }
  // The zip reports a broken directory as an 'error' event as well as through the entry iterator;
  // after the iterator is let go of, a listener must still be there (the refusal already says why).
  zip.on('error', () => undefined);
  try {
    const entries = await readDirectory(zip, limits);
    const sheetPath = await firstSheetPath(zip, entries, limits, deadline);
    const sheet = entries.get(sheetPath)!;
    if (sheet.uncompressedSize > limits.maxSheetBytes) throw new SpreadsheetRefused({ code: 'part_too_large', part: sheetPath, bytes: sheet.uncompressedSize, max: limits.maxSheetBytes });
    const strings = entries.get(SHARED_STRINGS);
    if (strings && strings.uncompressedSize > limits.maxSharedStringsBytes) {
      throw new SpreadsheetRefused({ code: 'part_too_large', part: SHARED_STRINGS, bytes: strings.uncompressedSize, max: limits.maxSharedStringsBytes });
    }
    const parts: Part[] = [
      { name: WORKBOOK_RELS, entry: entries.get(WORKBOOK_RELS)!, limit: limits.maxPartBytes },
      { name: WORKBOOK, entry: entries.get(WORKBOOK)!, limit: limits.maxPartBytes },
      strings ? { name: SHARED_STRINGS, entry: strings, limit: limits.maxSharedStringsBytes } : { name: SHARED_STRINGS, bytes: EMPTY_SHARED_STRINGS },
      // Under the name exceljs recognises, whatever the workbook calls it: it is the only sheet we hand over.
      { name: 'xl/worksheets/sheet1.xml', entry: sheet, limit: limits.maxSheetBytes },
    ];
    return await withParts(zip, parts, deadline, limits.maxMillis, (reader) => collect(reader, maxNumbers, limits.maxCells));
  } catch (err) {
    if (err instanceof SpreadsheetRefused) throw err;
    throw new SpreadsheetRefused({ code: 'not_a_workbook', detail: err instanceof Error ? err.message : String(err) });
  } finally {
    zip.close();
  }
}

async function collect(reader: excelStream.xlsx.WorkbookReader, maxNumbers: number, maxCells: number): Promise<SheetEntry[]> {
  const found: SheetEntry[] = [];
  let cells = 0;
  let headerChecked = false;
  for await (const worksheet of reader) {
    for await (const row of worksheet) {
      cells += row.cellCount;
      if (cells > maxCells) throw new SpreadsheetRefused({ code: 'too_many_cells', max: maxCells });
      const cell = cellText(row.getCell(1).value);
      if (cell === null) continue;
      // A cell is whatever the file holds (exceljs decodes `_x0000_` to NUL): made storable before it is kept.
      const text = storableText(cell);
      if (!headerChecked) {
        headerChecked = true;
        if (isHeaderText(text)) continue;
      }
      found.push({ row: row.number, text });
      if (found.length > maxNumbers) throw new SpreadsheetRefused({ code: 'too_many_numbers', max: maxNumbers });
    }
    break;
  }
  if (found.length === 0) throw new SpreadsheetRefused({ code: 'no_numbers' });
  return found;
}
