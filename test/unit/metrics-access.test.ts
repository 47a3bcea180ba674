import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { mayScrape } from '../../runtime/metrics.js';

const request = (remoteAddress: string, authorization?: string) =>
  ({ socket: { remoteAddress }, get: (h: string) => (h.toLowerCase() === 'authorization' ? authorization : undefined) }) as unknown as Request;

describe('who may scrape /metrics', () => {
  it('when no token is configured, then only loopback callers are answered', () => {
    expect(mayScrape(request('127.0.0.1'), undefined)).toBe(true);
    expect(mayScrape(request('::1'), undefined)).toBe(true);
    expect(mayScrape(request('10.0.0.7'), undefined)).toBe(false);
  });

  it('when a token is configured, then only callers presenting it are answered, wherever they are', () => {
    const token = 'scrape-token-0123456789';
    expect(mayScrape(request('10.0.0.7', `Bearer ${token}`), token)).toBe(true);
    expect(mayScrape(request('127.0.0.1'), token)).toBe(false);
    expect(mayScrape(request('10.0.0.7', 'Bearer wrong'), token)).toBe(false);
  });
});
