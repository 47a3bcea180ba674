import { describe, expect, it } from 'vitest';
import { cursorInstant, cursorInteger, isUuid } from '../../db/cursor.js';

describe('keyset cursor pieces', () => {
  it('when an instant is what toISOString writes in 2000-9999, then it is taken', () => {
    for (const text of ['2000-01-01T00:00:00.000Z', '2026-11-25T20:39:04.160Z', '9999-12-31T23:59:59.999Z']) {
      expect(cursorInstant(text)?.toISOString()).toBe(text);
    }
  });

  it('when an instant lies outside 2000-9999 or PostgreSQL range, then it is refused', () => {
    for (const text of ['1999-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z', '+100000-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00.000Z']) {
      expect(cursorInstant(text), text).toBeUndefined();
    }
  });

  it('when an instant is not written exactly as toISOString writes it, then it is refused', () => {
    for (const text of ['2026-02-30T00:00:00.000Z', '2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+08:00', ' 2026-01-01T00:00:00.000Z', 'Tue, 01 Jan 2030 00:00:00 GMT', '', undefined, 1767225600000]) {
      expect(cursorInstant(text), String(text)).toBeUndefined();
    }
  });

  it('when a bucket is a whole number an integer column holds, then it is taken; fractions, negatives and huge numbers are not', () => {
    expect(cursorInteger(0)).toBe(0);
    expect(cursorInteger(2_147_483_647)).toBe(2_147_483_647);
    for (const v of [1.5, -1, 2_147_483_648, 1e300, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) expect(cursorInteger(v), String(v)).toBeUndefined();
  });

  it('when an id is a uuid, then it is taken; 36 dashes are not', () => {
    expect(isUuid('0b7a3a52-6c1e-4c5e-9f43-2a4d1f0e9b11')).toBe(true);
    expect(isUuid('-'.repeat(36))).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
