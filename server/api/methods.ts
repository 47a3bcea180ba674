import type { NextFunction, Request, Response } from 'express';
import { keyedError, say } from '../errors.js';

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The methods each path of the OpenAPI document has, read from the document itself, so a route
 * and the methods refused on it cannot drift apart. A method a known path does not have is 405
 * with `Allow` (RFC 9110), in the API's error shape; OPTIONS answers with the same `Allow`. Paths
 * the document does not know fall through (to 404).
 */
export function methodGuard(paths: Record<string, Record<string, unknown>>, extra: Record<string, string[]> = {}) {
  const table = [
    ...Object.entries(paths).map(([template, item]) => ({ template, methods: OPERATION_METHODS.filter((m) => m in item).map((m) => m.toUpperCase()) })),
    ...Object.entries(extra).map(([template, methods]) => ({ template, methods })),
  ].map(({ template, methods }) => ({
    // As Express matches: case-insensitively, a trailing slash tolerated, a parameter being one segment.
    pattern: new RegExp(`^${template.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`, 'i'),
    allow: [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'],
  }));
  return (req: Request, res: Response, next: NextFunction) => {
    const found = table.find((t) => t.pattern.test(req.path));
    if (!found || (found.allow.includes(req.method) && req.method !== 'OPTIONS')) {
      next();
      return;
    }
    const allow = found.allow.join(', ');
    if (req.method === 'OPTIONS') {
      res.status(204).set('Allow', allow).end();
      return;
    }
    throw keyedError(405, 'method_not_allowed', say('api.methodNotAllowed', { method: req.method, path: `${req.baseUrl}${req.path}`, allow }), [{ path: '(method)', say: say('api.allowed', { allow }) }], { Allow: allow });
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
