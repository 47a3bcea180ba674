/**
 * Errors that say the database is not serving us right now (stopped, restarting, unreachable,
 * out of connections), as opposed to a mistake in a query: a caller should try again shortly.
 */

/** Node's socket errors while connecting or talking to the server. */
const SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** postgres.js's own codes for a connection that closed or never opened. */
const DRIVER_CODES: ReadonlySet<string> = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/**
 * SQLSTATEs: class 08 (connection exception), 57P01 admin shutdown, 57P02 crash shutdown,
 * 57P03 cannot connect now (starting up or shutting down), 53300 too many connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** True when `err`, or an error it wraps (drizzle wraps the driver's as `cause`), is one of the above. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e) || seen.size > 10) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || DRIVER_CODES.has(code) || isUnavailableSqlState(code))) return true;
    queue.push((e as { cause?: unknown }).cause);
    // A connection tried on several addresses fails with all of them.
    if (e instanceof AggregateError) queue.push(...e.errors);
  }
  return false;
}
