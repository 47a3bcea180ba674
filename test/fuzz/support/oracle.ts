import { header, type RawAnswer } from './http.js';

/** What a Node stack trace or Express's development error page looks like. */
export const STACK_TRACE = /\n\s+at |<pre>|\bat [\w.<>]+ \(\/|node:internal|node_modules\//;

/**
 * Why an answer of the tenant API breaks its contract: a 5xx, or an error that is not exactly
 * `{"error":{"code","message","details":[{"path","message"}]}}` in JSON, or one that shows a stack.
 */
export function apiAnswerProblems(res: RawAnswer): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  if (STACK_TRACE.test(res.text)) problems.push('shows a stack trace');
  if (res.status < 400) return problems;
  const type = header(res, 'content-type') ?? '';
  if (!/^application\/json\b/.test(type)) {
    problems.push(`error answered as ${type || 'no content type'}`);
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    problems.push('error body is not JSON');
    return problems;
  }
  problems.push(...errorShapeProblems(body));
  return problems;
}

const keysAre = (value: unknown, keys: string[]) =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).sort().join(',') === [...keys].sort().join(',');

/** The documented error shape, exactly: no field missing, none extra, every type right. */
export function errorShapeProblems(body: unknown): string[] {
  if (!keysAre(body, ['error'])) return [`error body has keys ${describeKeys(body)}, not just "error"`];
  const error = (body as { error: unknown }).error;
  if (!keysAre(error, ['code', 'message', 'details'])) return [`"error" has keys ${describeKeys(error)}, not code, message, details`];
  const e = error as { code: unknown; message: unknown; details: unknown };
  const problems: string[] = [];
  if (typeof e.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(e.code)) problems.push(`error.code ${JSON.stringify(e.code)} is not a snake_case string`);
  if (typeof e.message !== 'string' || e.message.length === 0) problems.push('error.message is not a non-empty string');
  if (!Array.isArray(e.details)) problems.push('error.details is not an array');
  else {
    e.details.forEach((d, i) => {
      if (!keysAre(d, ['path', 'message'])) problems.push(`error.details[${i}] has keys ${describeKeys(d)}, not path, message`);
      else if (typeof (d as { path: unknown }).path !== 'string' || typeof (d as { message: unknown }).message !== 'string') problems.push(`error.details[${i}] path or message is not a string`);
    });
  }
  return problems;
}

function describeKeys(v: unknown): string {
  return v !== null && typeof v === 'object' ? JSON.stringify(Object.keys(v)) : JSON.stringify(v);
}

/**
 * Why a back-office answer is wrong: a 5xx, a stack trace anywhere, or an error that is not an
 * HTML page (an htmx request refused for want of a session is the one empty answer allowed).
 */
export function pageAnswerProblems(res: RawAnswer, htmx = false): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  if (STACK_TRACE.test(res.text)) problems.push('shows a stack trace');
  if (res.status >= 400) {
    const type = header(res, 'content-type') ?? '';
    const emptyHtmxLogin = htmx && res.status === 401 && res.text === '' && header(res, 'hx-redirect') !== undefined;
    if (!emptyHtmxLogin && !/^text\/html\b/.test(type)) problems.push(`error answered as ${type || 'no content type'}`);
    else if (!emptyHtmxLogin && !/<(?:!doctype html|main|section|div|p)\b/i.test(res.text)) problems.push('error page has no HTML in it');
  }
  return problems;
}
