/**
 * CSV as spreadsheets read it: UTF-8 with a byte-order mark (so Excel shows Chinese), CRLF
 * line ends, RFC 4180 quoting. A text cell that a spreadsheet would run as a formula (it starts
 * with = + - @, or a tab or carriage return that some programs skip first) gets a leading
 * apostrophe, so an exported tenant or staff name can never execute in the reader's program.
 */

export type CsvValue = string | number | boolean | null | undefined;

export const CSV_BOM = '\uFEFF';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Text that cannot start a formula: the apostrophe tells spreadsheets "this is text". */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers we write are counts and shares: they are data, not text that could be a formula.
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutralizeFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function csvDocument(rows: readonly (readonly CsvValue[])[]): string {
  return CSV_BOM + rows.map(csvRow).join('');
}
