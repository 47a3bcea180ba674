import { pino, stdSerializers, type DestinationStream, type LogFn, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths whose values must never reach a log line (secrets, credentials, ID numbers). */
const redact = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'idNumber',
  '*.idNumber',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'databaseUrl',
];

/**
 * Fields of database errors that hold the values a query was given (contacts' e-mails and
 * mobiles, names, content): drizzle's `params`, postgres.js's `parameters` and `args`, and
 * PostgreSQL's `detail` ("Key (email)=(…) already exists"). The SQL text (`query`) stays: it
 * has placeholders, not values, and says which query failed.
 */
const VALUE_FIELDS = ['params', 'parameters', 'args', 'detail'] as const;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string');
}

/**
 * drizzle writes the values into the message itself ("Failed query: …\nparams: a@b.c,…"), and
 * so into the stack and every wrapping error's message: collect those exact texts to cut out.
 */
function valueTexts(err: unknown, found: Set<string>, depth = 0, seen = new Set<unknown>()): Set<string> {
  if (depth > MAX_DEPTH || !isErrorLike(err) || seen.has(err)) return found;
  seen.add(err);
  const e = err as unknown as Record<string, unknown>;
  if ('params' in e && e.params !== undefined) found.add(`params: ${String(e.params)}`);
  for (const value of [e.cause, ...(Array.isArray(e.errors) ? e.errors : []), ...Object.values(e)]) valueTexts(value, found, depth + 1, seen);
  return found;
}

function scrubText(text: string, texts: Set<string>): string {
  let out = text;
  for (const t of texts) if (t.length > 'params: '.length) out = out.split(t).join(`params: ${REDACTED}`);
  return out;
}

/** Walks a serialized error (and what it nests) replacing value fields and value texts. */
function scrubSerialized(value: unknown, texts: Set<string>, depth = 0): unknown {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return typeof value === 'string' ? scrubText(value, texts) : value;
  if (Array.isArray(value)) return value.map((v) => scrubSerialized(v, texts, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = (VALUE_FIELDS as readonly string[]).includes(key) && v !== undefined ? REDACTED : scrubSerialized(v, texts, depth + 1);
  }
  return out;
}

const SAFE = Symbol('vrd.safe-error');

/** pino's error serializer, minus the values a failed query carried. */
export function serializeError(err: unknown): unknown {
  if (!isErrorLike(err) || (err as unknown as Record<symbol, unknown>)[SAFE]) return err;
  const texts = valueTexts(err, new Set());
  const safe = scrubSerialized({ ...stdSerializers.err(err) }, texts) as Record<string | symbol, unknown>;
  Object.defineProperty(safe, SAFE, { value: true });
  return safe;
}

/**
 * Errors hide in any field of a log line (the Temporal SDK passes them as `error` inside
 * `temporal`), and pino serializes only `err` with care: every error-like value, wherever it
 * sits, goes through serializeError.
 */
function scrubErrorsIn(obj: Record<string, unknown>): Record<string, unknown> {
  const visit = (value: unknown, depth: number): unknown => {
    if (isErrorLike(value)) return serializeError(value);
    if (depth >= MAX_DEPTH || value === null || typeof value !== 'object' || (value as Record<symbol, unknown>)[SAFE]) return value;
    if (Array.isArray(value)) {
      const mapped = value.map((v) => visit(v, depth + 1));
      return mapped.some((v, i) => v !== value[i]) ? mapped : value;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
    let changed: Record<string, unknown> | undefined;
    for (const [key, v] of Object.entries(value)) {
      const next = visit(v, depth + 1);
      if (next !== v) (changed ??= { ...(value as Record<string, unknown>) })[key] = next;
    }
    return changed ?? value;
  };
  return visit(obj, 0) as Record<string, unknown>;
}

export function createLogger(level: string, name = 'vrd', destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: redact, censor: REDACTED },
    serializers: { err: serializeError },
    formatters: { log: scrubErrorsIn },
    hooks: {
      // log.error(err) makes the error's message the line's message: give it the scrubbed one.
      logMethod(args, method) {
        const [first, second, ...rest] = args as unknown[];
        if (isErrorLike(first) && typeof second !== 'string') {
          method.apply(this, [{ err: first }, scrubText(first.message, valueTexts(first, new Set())), ...rest] as Parameters<LogFn>);
          return;
        }
        method.apply(this, args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Masks the password of a connection URL so it can be printed. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
