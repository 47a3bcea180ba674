import os from 'node:os';
import type { NextFunction, Request, Response } from 'express';
import { translate } from '../../i18n/index.js';
import { readerLanguage } from './render.js';
import { HttpError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Callers there are not browsers: the tenant API authenticates by key, callbacks by signature. */
const NOT_BROWSER_PATHS = /^\/(?:api\/v1|callbacks)(?:\/|$)/;

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The origins a browser shows for this server when no PUBLIC_URL names it: each address it
 * listens on with its port, and `localhost` when that reaches it. Bound to every interface
 * (0.0.0.0, ::), that is every address of the machine's own interfaces. Never the request's Host
 * header: a page on a name the attacker controls that resolves to us (DNS rebinding) would
 * name itself there, and its own origin would pass.
 */
export function listeningOrigins(host: string, port: number): string[] {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const addresses = wildcard
    ? Object.values(os.networkInterfaces())
        .flatMap((list) => list ?? [])
        .map((a) => a.address)
    : [host];
  const loopback = addresses.some((a) => a === '127.0.0.1' || a === '::1' || a === 'localhost' || a.startsWith('127.'));
  const hosts = [...addresses, ...(loopback ? ['localhost'] : [])].map((a) => (a.includes(':') && !a.startsWith('[') ? `[${a}]` : a));
  return [...new Set(hosts.map((h) => originOf(`http://${h}:${port}`)).filter((o): o is string => o !== null))];
}

/**
 * Every state-changing back-office request must say it comes from one of our own pages: its
 * Origin header (or, when a browser sends none, its Referer) must be the app's own origin: the
 * one of PUBLIC_URL when set, else one of the origins the server listens on (`listening`, known
 * once it listens). A second fence next to the CSRF tokens, which a cookie-tossing sibling domain
 * or a leaked token alone would not pass.
 */
export function requireSameOrigin(publicUrl: string | undefined, listening: () => readonly string[] = () => []) {
  const fixed = originOf(publicUrl);
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || NOT_BROWSER_PATHS.test(req.path)) {
      next();
      return;
    }
    const origin = req.get('origin');
    const claimed = origin !== undefined ? origin : originOf(req.get('referer'));
    if (claimed !== null && (fixed !== null ? claimed === fixed : listening().includes(claimed))) {
      next();
      return;
    }
    const lang = readerLanguage(req, res);
    throw new HttpError(403, 'foreign_origin', translate(lang, 'security.foreignOrigin'));
  };
}
