import { describe, expect, it } from 'vitest';
import { batchStatus, cellText, checkIssue, isComplete, isHeaderText, normaliseFixedLine, pastedLines, rentUntil } from '../../domain/numbers.js';

describe('fixed-line numbers', () => {
  it.each([
    ['010-12345678', '+861012345678'],
    ['(010) 1234 5678', '+861012345678'],
    ['+86 10 1234 5678', '+861012345678'],
    ['0086-10-12345678', '+861012345678'],
    ['861012345678', '+861012345678'],
    ['1012345678', '+861012345678'],
    ['０１０－１２３４５６７８', '+861012345678'],
    ['021-87654321', '+862187654321'],
    ['0755-12345678', '+8675512345678'],
    ['0871-1234567', '+868711234567'],
    ['+868711234567', '+868711234567'],
  ])('when %s is written, then it is kept as %s', (raw, e164) => {
    expect(normaliseFixedLine(raw)).toBe(e164);
  });

  it.each(['13800138000', '+8613800138000', '010-1234567', '010-123456789', '12345', 'abc', '', '010-1234x678', '+1 212 555 0100', '0012345678'])('when %s is written, then it is not a fixed-line number', (raw) => {
    expect(normaliseFixedLine(raw)).toBeNull();
  });

  it('when numbers are pasted, then each non-empty line keeps its line number and what it is', () => {
    expect(pastedLines('010-12345678\r\n\n  bad  \n021 8765 4321')).toEqual([
      { line: 1, text: '010-12345678', number: '+861012345678' },
      { line: 3, text: 'bad', number: null },
      { line: 4, text: '021 8765 4321', number: '+862187654321' },
    ]);
  });
});

describe('issuing against an order', () => {
  const cities = [{ city: '北京', ordered: 2, issued: 1 }, { city: '上海', ordered: 1, issued: 0 }];

  it('when a request fits what each city lacks, then it passes; the order is complete when every city is', () => {
    expect(checkIssue(cities, [{ city: '北京', numbers: ['+861012345678'] }, { city: '上海', numbers: ['+862112345678'] }])).toBeNull();
    expect(isComplete(cities)).toBe(false);
    expect(isComplete([{ city: '北京', ordered: 2, issued: 2 }])).toBe(true);
    expect(isComplete([])).toBe(false);
  });

  it('when a request is too much, names a city twice over its need, repeats or misformats a number, or is empty, then it says which', () => {
    expect(checkIssue(cities, [{ city: '北京', numbers: ['+861012345678', '+861012345679'] }])).toEqual({ code: 'over_issue', params: { city: '北京', ordered: '2', issued: '1', adding: '2' } });
    expect(checkIssue(cities, [{ city: '北京', numbers: ['+861012345678'] }, { city: '北京', numbers: ['+861012345679'] }])).toMatchObject({ code: 'over_issue', params: { adding: '2' } });
    expect(checkIssue(cities, [{ city: '上海', numbers: ['+862112345678'] }, { city: '北京', numbers: ['+862112345678'] }])).toEqual({ code: 'duplicate_number', params: { number: '+862112345678' } });
    expect(checkIssue(cities, [{ city: '北京', numbers: ['010-12345678'] }])).toEqual({ code: 'invalid_number', params: { number: '010-12345678' } });
    expect(checkIssue(cities, [{ city: '广州', numbers: ['+862012345678'] }])).toEqual({ code: 'unknown_city', params: { city: '广州' } });
    expect(checkIssue(cities, [{ city: '北京', numbers: [] }])).toEqual({ code: 'nothing_to_issue' });
  });
});

describe('unsubscribe batches', () => {
  it('when counts are final, then the batch is completed, partially succeeded or check failed', () => {
    expect(batchStatus({ total: 3, released: 3 })).toBe('completed');
    expect(batchStatus({ total: 3, released: 1 })).toBe('partially_succeeded');
    expect(batchStatus({ total: 3, released: 0 })).toBe('check_failed');
  });

  it.each([
    ['2026-11-25T10:00:00Z', '2026-11-30'],
    ['2026-02-10T00:00:00Z', '2026-02-28'],
    ['2028-02-10T00:00:00Z', '2028-02-29'],
    // 1 December 00:30 in Beijing is still 30 November in UTC: Beijing's month counts.
    ['2026-11-30T16:30:00Z', '2026-12-31'],
  ])('when a number is released at %s, then rent is paid through %s', (at, until) => {
    expect(rentUntil(new Date(at))).toBe(until);
  });

  it('when cells are read, then text, numbers, rich text, links and cached formula results give text; a formula without a result gives nothing', () => {
    expect(cellText(' 010-12345678 ')).toBe('010-12345678');
    expect(cellText(1012345678)).toBe('1012345678');
    expect(cellText(861012345678)).toBe('861012345678');
    expect(cellText(1.5)).toBe('1.5');
    expect(cellText({ richText: [{ text: '010-' }, { text: '12345678' }] })).toBe('010-12345678');
    expect(cellText({ text: '010-12345678', hyperlink: 'tel:01012345678' })).toBe('010-12345678');
    expect(cellText({ formula: 'A1', result: '010-12345678' })).toBe('010-12345678');
    expect(cellText({ sharedFormula: 'A1', result: 1012345678 })).toBe('1012345678');
    expect(cellText({ formula: 'A1' })).toBeNull();
    expect(cellText({ error: '#REF!' })).toBe('#REF!');
    expect(cellText('   ')).toBeNull();
    expect(cellText(null)).toBeNull();
  });

  it('when the first entry has no digit, then it is a header', () => {
    expect(isHeaderText('号码')).toBe(true);
    expect(isHeaderText('number')).toBe(true);
    expect(isHeaderText('010-1234')).toBe(false);
  });
});
