/**
 * A UUID's text, in either case, as ids travel in URLs, forms, cursors and the tenant API. Spelled
 * without a case flag so the OpenAPI document can state the same pattern (its readers take no flags).
 */
export const UUID_TEXT = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A whole string that is one UUID: checked before an id from outside reaches a `uuid` column, which would refuse it with an error. */
export const UUID = new RegExp(`^${UUID_TEXT}$`);

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
