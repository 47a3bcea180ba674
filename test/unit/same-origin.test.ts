import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/errors.js';
import { listeningOrigins, requireSameOrigin } from '../../server/backoffice/same-origin.js';

/** Runs the check on a request of this shape; returns 'next' or the refusal's status. */
function check(
  publicUrl: string | undefined,
  req: { method?: string; path?: string; host?: string; protocol?: string; headers?: Record<string, string> },
  listening: string[] = listeningOrigins('127.0.0.1', 3000),
): 'next' | number {
  const headers: Record<string, string | undefined> = { host: req.host ?? '127.0.0.1:3000', ...req.headers };
  const fake = { method: req.method ?? 'POST', path: req.path ?? '/logout', protocol: req.protocol ?? 'http', cookies: {}, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
  let outcome: 'next' | number = 'next';
  try {
    requireSameOrigin(publicUrl, () => listening)(fake, { locals: {} } as Response, () => undefined);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    outcome = err.status;
  }
  return outcome;
}

describe('same-origin check on back-office changes', () => {
  it('when PUBLIC_URL is set, then only its origin passes, whatever Host the request names', () => {
    const pub = 'https://desk.example.com/base/';
    expect(check(pub, { headers: { origin: 'https://desk.example.com' } })).toBe('next');
    expect(check(pub, { headers: { referer: 'https://desk.example.com/queue?x=1' } })).toBe('next');
    expect(check(pub, { headers: { origin: 'http://127.0.0.1:3000' } })).toBe(403);
    expect(check(pub, { headers: { origin: 'http://desk.example.com' } })).toBe(403);
    expect(check(pub, { headers: { origin: 'https://desk.example.com.evil.example' } })).toBe(403);
  });

  it('when PUBLIC_URL is not set, then only the origins the server listens on pass, whatever Host the request names', () => {
    expect(check(undefined, { host: 'localhost:3000', headers: { origin: 'http://localhost:3000' } })).toBe('next');
    expect(check(undefined, { headers: { origin: 'http://127.0.0.1:3000' } })).toBe('next');
    expect(check(undefined, { headers: { referer: 'http://[::1]:3000/queue' } }, listeningOrigins('::1', 3000))).toBe('next');
    expect(check(undefined, { host: 'localhost:3000', headers: { origin: 'http://localhost:3001' } })).toBe(403);
    // DNS rebinding: a name the attacker controls resolves to us, and the browser names it in Host and Origin alike.
    expect(check(undefined, { host: 'rebind.evil.example:3000', headers: { origin: 'http://rebind.evil.example:3000' } })).toBe(403);
    expect(check(undefined, { host: '10.0.0.5:3000', headers: { origin: 'http://10.0.0.5:3000' } })).toBe(403);
  });

  it('when the server listens on every interface, then each address of the machine with the port passes, and localhost', () => {
    const origins = listeningOrigins('0.0.0.0', 8080);
    expect(origins).toContain('http://127.0.0.1:8080');
    expect(origins).toContain('http://localhost:8080');
    expect(origins.every((o) => o.endsWith(':8080'))).toBe(true);
    expect(check(undefined, { headers: { origin: 'http://localhost:8080' } }, origins)).toBe('next');
    expect(check(undefined, { headers: { origin: 'http://desk.example.com:8080' } }, origins)).toBe(403);
    // Bound to one outside address, loopback names do not reach it.
    expect(listeningOrigins('192.0.2.10', 3000)).toEqual(['http://192.0.2.10:3000']);
  });

  it('when Origin is present, then it decides even if Referer would pass; without both, the request is refused', () => {
    expect(check(undefined, { headers: { origin: 'null', referer: 'http://127.0.0.1:3000/queue' } })).toBe(403);
    expect(check(undefined, { headers: {} })).toBe(403);
    expect(check(undefined, { headers: { referer: 'not a url' } })).toBe(403);
  });

  it('when the request reads, or goes to the tenant API or the callbacks, then it is not checked', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(check(undefined, { method })).toBe('next');
    expect(check(undefined, { path: '/api/v1/voice-templates' })).toBe('next');
    expect(check(undefined, { path: '/callbacks/sms-status' })).toBe('next');
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(check(undefined, { method, path: '/reviews/1' })).toBe(403);
    expect(check(undefined, { path: '/callbacksx' })).toBe(403);
    expect(check(undefined, { path: '/api/v10/x' })).toBe(403);
  });
});
