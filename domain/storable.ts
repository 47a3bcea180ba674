/**
 * Text PostgreSQL can hold, made from what a file said about itself. Requests are refused at the
 * edge for NUL and half surrogate pairs; what is parsed out of an uploaded file (a WAV chunk id, a
 * spreadsheet cell) gets no such refusal, so it is made storable where it is read: NUL (refused by
 * text and jsonb columns alike) and a half surrogate pair (refused by jsonb) become U+FFFD.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

/** Every string in a plain value (object keys too), made storable; other values as they are. */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v) => storable(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)])) as T;
  }
  return value;
}
