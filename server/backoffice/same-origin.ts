import type { NextFunction, Request, Response } from 'express';
import { pickLanguage, translate } from '../i18n/index.js';
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
 * Every state-changing back-office request must say it comes from one of our own pages: its
 * Origin header (or, when a browser sends none, its Referer) must be the app's own origin, the
 * one of PUBLIC_URL when set, else the one the request was addressed to. A second fence next to
 * the CSRF tokens, which a cookie-tossing sibling domain or a leaked token alone would not pass.
 */
export function requireSameOrigin(publicUrl: string | undefined) {
  const fixed = originOf(publicUrl);
  return (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || NOT_BROWSER_PATHS.test(req.path)) {
      next();
      return;
    }
    const expected = fixed ?? `${req.protocol}://${req.get('host') ?? ''}`;
    const origin = req.get('origin');
    const claimed = origin !== undefined ? origin : originOf(req.get('referer'));
    if (claimed === expected) {
      next();
      return;
    }
    const lang = pickLanguage((req.cookies as Record<string, string | undefined> | undefined)?.vrd_lang);
    throw new HttpError(403, 'foreign_origin', translate(lang, 'security.foreignOrigin'));
  };
}
