import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { SESSION_COOKIE } from './session.js';

const PRE_SESSION_COOKIE = 'vrd_pre';

/**
 * Double-submit CSRF tokens bound to the session (or, before login, to a pre-session
 * cookie). Every form carries the token in a hidden `_csrf` field, so forms work with
 * JavaScript off and htmx sends the same field.
 */
export function createCsrf(secret: string, secure: boolean) {
  const cookies = (req: Request) => req.cookies as Record<string, string | undefined>;
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => cookies(req)[SESSION_COOKIE] ?? cookies(req)[PRE_SESSION_COOKIE] ?? '',
    cookieName: secure ? '__Host-vrd.x-csrf' : 'vrd.x-csrf',
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined ?? req.get('x-csrf-token'),
    errorConfig: { statusCode: 403, message: 'the form expired or came from elsewhere; reload the page and try again', code: 'csrf' },
  });

  /** Gives anonymous visitors a pre-session id so the login form is protected too. */
  const ensureIdentifier = (req: Request, res: Response, next: NextFunction) => {
    const c = cookies(req);
    if (!c[SESSION_COOKIE] && !c[PRE_SESSION_COOKIE]) {
      const id = randomBytes(18).toString('base64url');
      res.cookie(PRE_SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
      c[PRE_SESSION_COOKIE] = id;
    }
    next();
  };

  /** At login the pre-session id is dropped: nothing from before login carries over into the session. */
  const forgetIdentifier = (res: Response) => res.clearCookie(PRE_SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });

  const tokenFor = (req: Request, res: Response) => generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
  return { ensureIdentifier, forgetIdentifier, protect: doubleCsrfProtection, tokenFor };
}

export type Csrf = ReturnType<typeof createCsrf>;
