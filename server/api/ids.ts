/**
 * The shapes of the ids in tenant API paths: one home for the routes that check them before any
 * query and for the OpenAPI document that states them.
 */
import { UUID_TEXT } from '../../domain/ids.js';

export { UUID } from '../../domain/ids.js';
export const UUID_PATTERN = `^${UUID_TEXT}$`;

/** A submitted object's id: its kind's two-letter prefix and 16 of 0-9A-Z. */
export const subjectIdPattern = (prefix: string) => `^${prefix}[0-9A-Z]{16}$`;
export const isSubjectId = (prefix: string, id: string) => /^[A-Z]{2}$/.test(prefix) && id.length === 18 && id.startsWith(prefix) && /^[0-9A-Z]{16}$/.test(id.slice(2));

/**
 * Where a page of reviews goes on: the last review's submission time (milliseconds since 1970) and
 * id. Any cursor of this shape is a place in the list, so the document can state it whole; the
 * 14 digits end in the year 5138, which PostgreSQL holds.
 */
export const REVIEWS_CURSOR_PATTERN = `^[0-9]{1,14}_${UUID_TEXT}$`;
/** A page of numbers goes on after the number with this id. */
export const NUMBERS_CURSOR_PATTERN = '^[0-9]{1,15}$';

/** A path parameter `id` of this shape, for the document. */
export const idParameter = (pattern: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern } });
