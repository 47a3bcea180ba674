import express, { type NextFunction, type Request, type Response } from 'express';
import { wordedError } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';
import { apiInputError, controlCharacterProblems } from '../input-guard.js';

const parseJson = express.json({ limit: '256kb', type: () => true });

const hasBody = (req: Request) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** JSON routes take JSON: a body of another declared type is 415, not a parse error. */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  if (!hasBody(req)) {
    req.body = undefined;
    next();
    return;
  }
  if (!req.is(['application/json', 'application/*+json'])) {
    const got = req.get('content-type');
    next(
      wordedError(415, 'unsupported_media_type', (lang) => {
        const detail = translateWith(lang, 'api.expectedJson', { got: got ?? translate(lang, 'api.noContentType') });
        return { message: translate(lang, 'api.unsupportedJson'), details: [{ path: '(body)', message: detail }] };
      }),
    );
    return;
  }
  parseJson(req, res, (err?: unknown) => {
    if (err) return next(err);
    const problems = controlCharacterProblems(req.body, 'body');
    next(problems.length > 0 ? apiInputError(problems) : undefined);
  });
}
