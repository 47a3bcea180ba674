import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvDocument, csvRow, neutralizeFormula } from '../../../server/insight/csv.js';

describe('CSV cells', () => {
  it('when a text starts with = + - or @, then it is prefixed with an apostrophe so no spreadsheet runs it', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeFormula('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
  });

  it('when a text has a formula character later on, then it is left alone', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('李雷')).toBe('李雷');
    expect(csvCell('user@example.com')).toBe('user@example.com');
  });

  it('when a text holds a comma, quote, line break or edge space, then it is quoted with quotes doubled', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
  });

  it('when numbers, booleans and empties are written, then they are plain (a negative number stays a number)', () => {
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('when a document is written, then it starts with a byte-order mark and every row ends with CRLF', () => {
    expect(csvRow(['a', 1, null])).toBe('a,1,\r\n');
    expect(csvDocument([['x', 'y'], [1, 2]])).toBe(`${CSV_BOM}x,y\r\n1,2\r\n`);
  });
});
