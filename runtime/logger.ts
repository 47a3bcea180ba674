import { pino, type Logger } from 'pino';

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

export function createLogger(level: string, name = 'vrd'): Logger {
  return pino({ name, level, redact: { paths: redact, censor: '[redacted]' } });
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
