import type { TestApp, TestTenant } from './test-app.js';

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `name` in the environment when given (to replay a run), else a fresh one; printed either way. */
export function faultSeed(name: string): number {
  const given = process.env[name];
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${name} must be an integer from 0 to 4294967295, got ${given}`);
    return n;
  }
  return Math.floor(Math.random() * 0xffffffff);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface TimedAnswer {
  status: number;
  body: any;
  headers: Headers;
  ms: number;
  /** When the request was sent (epoch ms). */
  sentAt: number;
}

/**
 * A tenant API call that never waits longer than `timeoutMs`: a request the app leaves hanging
 * comes back as status 0, so a test can say so instead of hanging with it.
 */
export async function timedApi(app: TestApp, tenant: TestTenant, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<TimedAnswer> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${app.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tenant.apiKey}`, ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers, ms: Date.now() - sentAt, sentAt };
  } catch (err) {
    return { status: 0, body: String(err), headers: new Headers(), ms: Date.now() - sentAt, sentAt };
  }
}

/** The API's error shape: {"error":{"code","message","details"}}. */
export function isErrorShape(body: unknown, code: string): boolean {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  return !!e && e.code === code && typeof e.message === 'string' && e.message.length > 0 && Array.isArray(e.details);
}
