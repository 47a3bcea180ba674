import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import { editWav, mp3File, wavFile } from '../../support/audio.js';
import { jpgFile, pngFile, rarFile, textFile, zipFile } from '../../support/files.js';
import { freshNumber, xlsxFile } from '../../support/numbers.js';

/**
 * Files a hostile or careless tenant uploads, built once before the fuzz starts (so building
 * them does not count against the memory the app is allowed to grow by): right and wrong
 * types, headers that lie, archives that unpack to hundreds of megabytes.
 */

interface ZipEntry {
  name: string;
  method: 0 | 8;
  data: Buffer;
  crc: number;
  size: number;
}

/** A zip from entries already compressed (or stored), with sizes as given: they may lie. */
export function zipOf(entries: ZipEntry[], opts: { flags?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(opts.flags ?? 0, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(opts.flags ?? 0, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const small = (name: string, text: string): ZipEntry => {
  const data = Buffer.from(text);
  return { name, method: 8, data: deflateRawSync(data), crc: crc32(data), size: data.length };
};

/** A deflated entry fed chunk by chunk: hundreds of megabytes never sit in memory at once. */
async function streamedEntry(name: string, chunks: () => Iterable<Buffer>): Promise<ZipEntry> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  for (const chunk of chunks()) {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { name, method: 8, data: Buffer.concat(out), crc, size };
}

const CONTENT_TYPES_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const WORKBOOK_XML =
  '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';
const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

const frame = () => [small('[Content_Types].xml', CONTENT_TYPES_XML), small('xl/workbook.xml', WORKBOOK_XML), small('xl/_rels/workbook.xml.rels', WORKBOOK_RELS_XML)];
const xlsxAround = (sheet: ZipEntry) => zipOf([...frame(), sheet]);
const sheetEntry = (xml: string) => small('xl/worksheets/sheet1.xml', SHEET_HEAD + xml + '</worksheet>');

function* spaces(total: number): Iterable<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  yield Buffer.from(`${SHEET_HEAD}<sheetData>`);
  for (let left = total; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
  yield Buffer.from('</sheetData></worksheet>');
}

function* rows(count: number): Iterable<Buffer> {
  yield Buffer.from(`${SHEET_HEAD}<dimension ref="A1:A${count}"/><sheetData>`);
  for (let start = 1; start <= count; start += 20_000) {
    let chunk = '';
    for (let r = start; r < Math.min(start + 20_000, count + 1); r++) chunk += `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>010${String(20_000_000 + (r % 70_000_000))}</t></is></c></row>`;
    yield Buffer.from(chunk);
  }
  yield Buffer.from('</sheetData></worksheet>');
}

export interface Asset {
  name: string;
  content: Buffer;
  /** What a careless client declares. */
  type?: string;
  /** What the bytes are (what a content check should find), whatever the name says. */
  is: 'jpg' | 'png' | 'rar' | 'zip' | 'wav' | 'xlsx' | 'mp3' | 'text' | 'none';
}

export interface Assets {
  jpg: Asset[];
  wav: Asset[];
  xlsx: Asset[];
  /** Files of no accepted type, or of another field's type. */
  wrong: Asset[];
}

/** Builds every asset; takes a few seconds (the bombs are compressed here). */
export async function buildAssets(): Promise<Assets> {
  const wav = wavFile();
  const jpg = jpgFile();
  const bomb = await streamedEntry('xl/worksheets/sheet1.xml', () => spaces(300 * 1024 * 1024));
  const million = await streamedEntry('xl/worksheets/sheet1.xml', () => rows(1_000_000));
  const fmtAt = wav.indexOf('fmt ');
  const withHugeFmt = Buffer.from(wav);
  withHugeFmt.writeUInt32LE(0x7fffffff, fmtAt + 4);
  const withHugeList = Buffer.concat([wav.subarray(0, 12), Buffer.from('LIST'), Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from('INFO'), wav.subarray(12)]);
  const noData = wav.subarray(0, wav.indexOf('data'));
  const manyEntries = zipOf([...frame(), sheetEntry('<sheetData/>'), ...Array.from({ length: 1_200 }, (_, i) => small(`xl/media/pad${i}.xml`, '<x/>'))]);
  const encrypted = zipOf([...frame(), sheetEntry('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>01020000001</t></is></c></row></sheetData>')], { flags: 1 });
  const lyingSize = { ...bomb, size: 2000 };
  const tooMany = Array.from({ length: 10_001 }, () => [freshNumber()]);

  return {
    jpg: [
      { name: 'license.jpg', content: jpg, is: 'jpg' },
      { name: 'big-but-legal.jpg', content: jpgFile({ padTo: 1_900_000 }), is: 'jpg' },
      { name: 'too-big.jpg', content: jpgFile({ padTo: 2 * 1024 * 1024 + 10 }), is: 'jpg' },
      { name: 'polyglot.jpg', content: Buffer.concat([jpg, Buffer.from('<html><script>alert(1)</script></html>')]), type: 'text/html', is: 'jpg' },
      { name: '../../../etc/passwd', content: jpg, is: 'jpg' },
      { name: 'C:\\Windows\\evil.jpg', content: jpg, is: 'jpg' },
      { name: 'a"b\r\nX-Injected: 1.jpg', content: jpg, is: 'jpg' },
      { name: '\u202egpj.exe', content: jpg, is: 'jpg' },
      { name: '😀'.repeat(300) + '.jpg', content: jpg, is: 'jpg' },
      { name: '', content: jpg, is: 'jpg' },
      { name: 'truncated.jpg', content: jpg.subarray(0, 40), is: 'jpg' },
    ],
    wav: [
      { name: 'ok.wav', content: wav, is: 'wav' },
      { name: 'alaw.wav', content: wavFile({ encoding: 'alaw' }), is: 'wav' },
      { name: 'stereo-44k.wav', content: wavFile({ channels: 2, sampleRate: 44100, seconds: 0.2 }), is: 'wav' },
      { name: 'float.wav', content: wavFile({ encoding: 'float_32', seconds: 0.2 }), is: 'wav' },
      { name: 'extensible.wav', content: wavFile({ extensible: true, seconds: 0.2 }), is: 'wav' },
      { name: 'riff-size-max.wav', content: editWav(wav, { riffSize: 0xffffffff }), is: 'wav' },
      { name: 'riff-size-zero.wav', content: editWav(wav, { riffSize: 0 }), is: 'wav' },
      { name: 'data-size-max.wav', content: editWav(wav, { dataSize: 0xffffffff }), is: 'wav' },
      { name: 'data-size-70s.wav', content: editWav(wav, { dataSize: 70 * 16_000 }), is: 'wav' },
      { name: 'data-size-zero.wav', content: editWav(wav, { dataSize: 0 }), is: 'wav' },
      { name: 'channels-zero.wav', content: editWav(wav, { channels: 0 }), is: 'wav' },
      { name: 'channels-max.wav', content: editWav(wav, { channels: 0xffff }), is: 'wav' },
      { name: 'rate-zero.wav', content: editWav(wav, { sampleRate: 0 }), is: 'wav' },
      { name: 'rate-max.wav', content: editWav(wav, { sampleRate: 0xffffffff }), is: 'wav' },
      { name: 'block-align-zero.wav', content: editWav(wav, { blockAlign: 0 }), is: 'wav' },
      { name: 'rifx.wav', content: editWav(wav, { riffId: 'RIFX' }), is: 'none' },
      { name: 'fmt-size-huge.wav', content: withHugeFmt, is: 'wav' },
      { name: 'list-size-huge.wav', content: withHugeList, is: 'wav' },
      { name: 'header-only.wav', content: wav.subarray(0, 44), is: 'wav' },
      { name: 'no-data-chunk.wav', content: noData, is: 'wav' },
      { name: 'riff-only.wav', content: wav.subarray(0, 12), is: 'wav' },
      { name: 'song.mp3.wav', content: mp3File(), is: 'mp3' },
    ],
    xlsx: [
      { name: 'numbers.xlsx', content: await xlsxFile([['number'], [freshNumber()], [freshNumber()]]), is: 'xlsx' },
      { name: 'formulas.xlsx', content: await xlsxFile([['number'], [{ formula: 'HYPERLINK("http://evil.example/","click")' }], [{ formula: '"0"&"10"&"12345678"', result: '01012345678' }], [{ formula: 'cmd|\' /C calc\'!A0' }], [{ formula: 'WEBSERVICE("http://evil.example/")' }]]), is: 'xlsx' },
      { name: 'dimension-claims-a-million.xlsx', content: xlsxAround(sheetEntry('<dimension ref="A1:A1000000"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>01020000001</t></is></c></row></sheetData>')), is: 'xlsx' },
      { name: 'row-one-million.xlsx', content: xlsxAround(sheetEntry('<sheetData><row r="1000000"><c r="A1000000" t="inlineStr"><is><t>01020000001</t></is></c></row></sheetData>')), is: 'xlsx' },
      { name: 'last-column.xlsx', content: xlsxAround(sheetEntry('<sheetData><row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')), is: 'xlsx' },
      { name: 'a-million-rows.xlsx', content: xlsxAround(million), is: 'xlsx' },
      { name: 'bomb.xlsx', content: xlsxAround(bomb), is: 'xlsx' },
      { name: 'lying-directory.xlsx', content: xlsxAround(lyingSize), is: 'xlsx' },
      { name: 'many-entries.xlsx', content: manyEntries, is: 'xlsx' },
      { name: 'encrypted.xlsx', content: encrypted, is: 'xlsx' },
      { name: 'no-sheet.xlsx', content: zipOf(frame()), is: 'xlsx' },
      { name: 'cut.xlsx', content: xlsxAround(sheetEntry('<sheetData/>')).subarray(0, 300), is: 'none' },
      { name: 'bad-xml.xlsx', content: xlsxAround(sheetEntry('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>0102')), is: 'xlsx' },
      { name: 'entity-expansion.xlsx', content: xlsxAround(sheetEntry('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData>')), is: 'xlsx' },
      { name: 'empty-sheet.xlsx', content: await xlsxFile([]), is: 'xlsx' },
      { name: '10001-numbers.xlsx', content: await xlsxFile(tooMany), is: 'xlsx' },
    ],
    wrong: [
      { name: 'notes.txt', content: textFile(), is: 'text' },
      { name: 'image.png', content: pngFile(), is: 'png' },
      { name: 'archive.rar', content: rarFile(), is: 'rar' },
      { name: 'archive.zip', content: zipFile({ 'a.txt': 'hello' }), is: 'zip' },
      { name: 'empty.bin', content: Buffer.alloc(0), is: 'none' },
      { name: 'random.bin', content: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 2654435761) % 251)), is: 'none' },
      { name: 'page.html', content: Buffer.from('<!doctype html><script>alert(1)</script>'), type: 'text/html', is: 'text' },
      { name: 'image.svg', content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), type: 'image/svg+xml', is: 'text' },
      { name: 'song.mp3', content: mp3File(), is: 'mp3' },
      { name: 'sound.wav', content: wav, is: 'wav' },
      { name: 'photo.jpg', content: jpg, is: 'jpg' },
    ],
  };
}
