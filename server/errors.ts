import type { ZodError } from 'zod';
import type { Language } from '../domain/labels.js';
import { translateIssue, type IssueLike } from '../domain/validation-messages.js';
import { hasMessage, translate, translateWith } from '../i18n/index.js';
import { ReviewServiceUnavailable } from '../temporal/review-client.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error's message and details in one language. */
export type ErrorWording = (lang: Language) => { message: string; details: ErrorDetail[] };

/** A message key and its parameters, worded when the reader's language is known. */
export interface Say {
  key: string;
  params?: Record<string, string | number>;
}

export const say = (key: string, params?: Record<string, string | number>): Say => ({ key, params });

const worded = (lang: Language, s: Say) => translateWith(lang, s.key, Object.fromEntries(Object.entries(s.params ?? {}).map(([k, v]) => [k, String(v)])));

/** An error whose status and wording are meant for the caller. Anything else is a 500. */
export class HttpError extends Error {
  /**
   * Set when the error can be worded in any language: the tenant API then answers in the caller's
   * Accept-Language whichever language the error was raised in.
   */
  wording?: ErrorWording;

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

  /** This error's message and details in a language (as raised when it cannot be worded again). */
  in(lang: Language): { message: string; details: ErrorDetail[] } {
    return this.wording ? this.wording(lang) : { message: this.message, details: this.details };
  }
}

/** An error from a layer below the server that carries its own answer (Temporal away) as the HttpError it answers with; any other error as it is. */
export function asHttpError(err: unknown): unknown {
  return err instanceof ReviewServiceUnavailable ? keyedError(err.status, err.code, say('api.reviewServiceUnavailable'), [], err.headers) : err;
}

/** An error worded by `wording` in each reader's language; `lang` is the one its own message is in. */
export function wordedError(status: number, code: string, wording: ErrorWording, headers: Record<string, string> = {}, lang: Language = 'en'): HttpError {
  const own = wording(lang);
  const err = new HttpError(status, code, own.message, own.details, headers);
  err.wording = wording;
  return err;
}

/** An error worded from message keys: its message and each detail's. */
export function keyedError(status: number, code: string, message: Say, details: { path: string; say: Say }[] = [], headers: Record<string, string> = {}, lang: Language = 'en'): HttpError {
  return wordedError(status, code, (l) => ({ message: worded(l, message), details: details.map((d) => ({ path: d.path, message: worded(l, d.say) })) }), headers, lang);
}

/** Every detail listed after the refusal's lead, in the punctuation of the language. */
export function listedDetails(lang: Language, lead: string, details: ErrorDetail[]): string {
  const sep = translate(lang, 'api.list.pathSeparator');
  const list = details.map((d) => `${d.path}${sep}${d.message}`).join(translate(lang, 'api.list.separator'));
  return list ? translateWith(lang, 'api.list.lead', { lead, list }) : lead;
}

const THING = /^[a-z ]+$/;

/** No such object of the caller's (or no such page): `what` names it, worded when there is a word for it. */
export const notFound = (what = 'resource') => {
  const key = `api.thing.${what.replace(/ /g, '_')}`;
  const known = THING.test(what) && hasMessage(key);
  return wordedError(404, 'not_found', (l) => ({ message: known ? translateWith(l, 'api.notFound', { thing: translate(l, key) }) : translate(l, 'api.notFoundAny'), details: [] }));
};

/** The disk holding uploads is full: the submission was refused and none of its files kept. */
export const storageFull = (field?: string) => keyedError(507, 'storage_full', say('api.storageFull'), field ? [{ path: field, say: say('api.notStored') }] : []);

/**
 * The database is stopped, restarting or unreachable. Whether the request got as far as a commit
 * cannot be told, so the advice is the Idempotency-Key's: sent again with it, a submission is made once.
 */
export const databaseUnavailable = () => keyedError(503, 'database_unavailable', say('api.databaseUnavailable'), [], { 'Retry-After': '5' });
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
/** A conflict worded from a message key, in every reader's language. */
export const keyedConflict = (message: Say, path = '(body)') => keyedError(409, 'conflict', message, [{ path, say: message }]);
export const forbidden = (message = 'you may not do this') => new HttpError(403, 'forbidden', message);

/** A zod refusal as a 422 naming each field, worded in the reader's language. */
export function validationFailed(err: ZodError, lang: Language = 'en', prefix: string[] = []): HttpError {
  return wordedError(422, 'validation_failed', (l) => validationWording(l, issueDetails(err, l, prefix)), {}, lang);
}

/** The details of a zod refusal in a language, each naming its field. */
export function issueDetails(err: ZodError, lang: Language, prefix: string[] = []): ErrorDetail[] {
  return err.issues.map((i) => ({
    path: [...prefix, ...i.path.map(String)].join('.') || '(body)',
    message: i.message.startsWith('form.') ? translate(lang, i.message) : translateIssue(i as unknown as IssueLike, lang),
  }));
}

/** A 422's message: the lead of the language, then each field and what is wrong with it. */
export const validationWording = (lang: Language, details: ErrorDetail[]) => ({ message: listedDetails(lang, translate(lang, 'api.validationFailed'), details), details });
