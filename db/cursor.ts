/**
 * Pieces of keyset cursors, checked before they reach a query: a cursor comes back from the
 * client, so anything PostgreSQL would refuse (a year it cannot store, a fraction where an
 * integer column is compared, a malformed uuid) must be caught here rather than fail the query.
 */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FIRST_YEAR = 2000;
const LAST_YEAR = 9999;
const INT4_MAX = 2_147_483_647;

/** An instant written by Date#toISOString, in the years 2000-9999; undefined otherwise (also for 30 February). */
export function cursorInstant(text: unknown): Date | undefined {
  if (typeof text !== 'string' || !ISO_INSTANT.test(text)) return undefined;
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== text) return undefined;
  const year = at.getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR ? at : undefined;
}

/** A whole number an integer column can hold (0 to 2^31-1); undefined otherwise. */
export function cursorInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= INT4_MAX ? value : undefined;
}

import { isUuid } from '../domain/ids.js';

export { isUuid };

/** A keyset position (an instant and the row's id) as an opaque token for a URL. */
export function instantCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

/** The position a token of `instantCursor` names; undefined for one it did not write (the page then starts at the top). */
export function readInstantCursor(token: string): { at: Date; id: string } | undefined {
  const [text, id] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  const at = cursorInstant(text);
  return at && isUuid(id) ? { at, id } : undefined;
}
