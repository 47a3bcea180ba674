import type { ZodError } from 'zod';
import { translateIssue, type IssueLike } from '../domain/validation-messages.js';
import { translate } from './i18n/index.js';
import { ReviewServiceUnavailable } from '../temporal/review-client.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error whose status and wording are meant for the caller. Anything else is a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** An error from a layer below the server that carries its own answer (Temporal away) as the HttpError it answers with; any other error as it is. */
export function asHttpError(err: unknown): unknown {
  return err instanceof ReviewServiceUnavailable ? new HttpError(err.status, err.code, err.message, [], err.headers) : err;
}

export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `${what} not found`);

/** The disk holding uploads is full: the submission was refused and none of its files kept. */
export const storageFull = (field?: string) =>
  new HttpError(507, 'storage_full', 'the server has no space to store the file; nothing was kept, try again later', field ? [{ path: field, message: 'not stored' }] : []);

/**
 * The database is stopped, restarting or unreachable. Whether the request got as far as a commit
 * cannot be told, so the advice is the Idempotency-Key's: sent again with it, a submission is made once.
 */
export const databaseUnavailable = () =>
  new HttpError(503, 'database_unavailable', 'the database is unavailable; try again shortly (with the same Idempotency-Key, a submission is made once)', [], { 'Retry-After': '5' });
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const forbidden = (message = 'you may not do this') => new HttpError(403, 'forbidden', message);

/** A zod refusal as a 422 naming each field, worded in the reader's language. */
export function validationFailed(err: ZodError, lang: 'zh-CN' | 'en' = 'en', prefix: string[] = []): HttpError {
  const details = err.issues.map((i) => ({
    path: [...prefix, ...i.path.map(String)].join('.') || '(body)',
    message: i.message.startsWith('form.') ? translate(lang, i.message) : translateIssue(i as unknown as IssueLike, lang),
  }));
  return new HttpError(422, 'validation_failed', `invalid input: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
}
