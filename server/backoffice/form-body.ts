import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Back-office posts are the pages' own forms. A body of another type (JSON, multipart, text)
 * would reach the routes unread, with only a CSRF header to pass, so it is refused here (415);
 * a post without a body reads as an empty form.
 */
export function requireFormBody(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  if (hasBody(req) && !req.is('application/x-www-form-urlencoded')) {
    throw new HttpError(415, 'unsupported_media_type', 'send the form as application/x-www-form-urlencoded');
  }
  req.body ??= {};
  next();
}
