import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Language } from '../domain/labels.js';
import { HttpError, wordedError, listedDetails, type ErrorDetail } from './errors.js';
import { translate, translateWith } from '../i18n/index.js';

/**
 * Refuses text no person types and PostgreSQL cannot store: NUL and the other C0 control
 * characters (tab, line feed and carriage return are ordinary text), and half a UTF-16
 * surrogate pair (JSON's `"\ud800"` escape: not a character, and refused by jsonb). Checked at the
 * edge, in every place a request carries text to the use-cases: the URL path, the query string
 * and a parsed body (JSON or form), keys as well as values.
 */

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Enough to say what is wrong; a body full of them need not be listed whole. */
const MAX_PROBLEMS = 20;

export type InputPlace = 'path' | 'query' | 'body';

export interface InputProblem extends ErrorDetail {
  place: InputPlace;
  /** The problem in a reader's language (`message` is the English). */
  say: (lang: Language) => string;
}

const codePoint = (found: string) => `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with the text, in words: the control character, or the lone half of a surrogate pair. */
const describe = (text: string, lang: Language) => {
  const found = CONTROL.exec(text)?.[0] ?? '\u0000';
  const surrogate = found.charCodeAt(0) >= 0xd800;
  return translateWith(lang, surrogate ? 'api.input.surrogate' : 'api.input.control', { codePoint: codePoint(found) });
};

/** A problem worded in each language from one message key. */
function problem(place: InputPlace, path: string, key: string, text: string, params: Record<string, string> = {}): InputProblem {
  const say = (lang: Language) => translateWith(lang, key, { ...params, what: describe(text, lang) });
  return { place, path, message: say('en'), say };
}

/**
 * Every string in `value` (an object tree from a parser) that holds a control character,
 * named by its path (`contacts.0.name`; `(body)` for the value itself). Walks without
 * recursion, so a deeply nested body cannot exhaust the stack.
 */
export function controlCharacterProblems(value: unknown, place: InputPlace, prefix: string[] = []): InputProblem[] {
  // Each node points at its parent, so a path is spelled out only for the few values refused.
  interface Node {
    value: unknown;
    key: string | undefined;
    parent: Node | undefined;
  }
  const name = (node: Node | undefined, last?: string) => {
    const keys = last === undefined ? [] : [last];
    for (let n = node; n; n = n.parent) if (n.key !== undefined) keys.push(n.key);
    const path = [...prefix, ...keys.reverse()];
    return path.length > 0 ? path.join('.') : `(${place})`;
  };
  const problems: InputProblem[] = [];
  const pending: Node[] = [{ value, key: undefined, parent: undefined }];
  while (pending.length > 0 && problems.length < MAX_PROBLEMS) {
    const node = pending.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (CONTROL.test(v)) problems.push(problem(place, name(node), 'api.input.value', v));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push({ value: v[i], key: String(i), parent: node });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (CONTROL.test(key)) {
          problems.push(problem(place, name(node, JSON.stringify(key).slice(1, -1)), 'api.input.fieldName', key));
          continue;
        }
        pending.push({ value: child, key, parent: node });
      }
    }
  }
  return problems;
}

/** The URL path's segments as the router will decode them into parameters. */
function pathProblems(path: string): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      continue; // the router answers a malformed escape itself
    }
    if (CONTROL.test(decoded)) {
      problems.push(problem('path', '(path)', 'api.input.pathSegment', decoded, { segment: JSON.stringify(decoded) }));
    }
  }
  return problems;
}

/** What is wrong with a request's path, query string and parsed body; empty when nothing is. */
export function requestInputProblems(req: Request): InputProblem[] {
  return [
    ...pathProblems(req.path),
    ...controlCharacterProblems(req.query, 'query', ['query']),
    ...(req.body === undefined ? [] : controlCharacterProblems(req.body, 'body')),
  ].slice(0, MAX_PROBLEMS);
}

/** Passes clean requests on; hands the problems of the others to `refuse`, which answers or throws. */
export function refuseControlCharacters(refuse: (problems: InputProblem[], req: Request, res: Response) => void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const problems = requestInputProblems(req);
    if (problems.length === 0) {
      next();
      return;
    }
    refuse(problems, req, res);
  };
}

/**
 * The text cut to at most `max` UTF-16 units without splitting a character: a cut through a
 * surrogate pair (an emoji, a rare CJK character) would leave half of it, which jsonb refuses.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export const summarize = (problems: ErrorDetail[]) => problems.map((p) => `${p.path}: ${p.message}`).join('; ');

/** The tenant API's answer to control characters: 422 naming body fields, 400 for the path or query. */
export function apiInputError(problems: InputProblem[]): HttpError {
  const inBody = problems.every((p) => p.place === 'body');
  return wordedError(inBody ? 422 : 400, inBody ? 'validation_failed' : 'bad_request', (lang) => {
    const details: ErrorDetail[] = problems.map((p) => ({ path: p.path, message: p.say(lang) }));
    return { message: listedDetails(lang, translate(lang, 'api.validationFailed'), details), details };
  });
}
