import type { ZodError } from 'zod';
import { translateIssue, type IssueLike } from '../domain/validation-messages.js';
import { translate } from './i18n/index.js';

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

export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `${what} not found`);
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
