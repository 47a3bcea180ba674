import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { applyDeliveryReport } from '../db/outbox.js';
import { parseStatusReport, verifyWsse } from '../notifications/sms.js';
import type { AppDeps } from './deps.js';
import { controlCharacterProblems, summarize } from './input-guard.js';

const BODY_LIMIT = '16kb';

/** Body parser failures, in the gateway's answer shape: the caller is a machine that reads JSON. */
const PARSER_ERRORS: Record<string, { status: number; description: string }> = {
  'entity.too.large': { status: 413, description: `the report is larger than ${BODY_LIMIT}` },
  'charset.unsupported': { status: 415, description: 'the charset of the report is not supported' },
  'encoding.unsupported': { status: 415, description: 'the Content-Encoding of the report is not supported' },
  'entity.parse.failed': { status: 400, description: 'the report is not a form' },
  'entity.verify.failed': { status: 400, description: 'the report is not a form' },
  'request.aborted': { status: 400, description: 'the report was cut off' },
  'request.size.invalid': { status: 400, description: 'the report is shorter or longer than its Content-Length' },
  'parameters.too.many': { status: 413, description: 'the report has too many fields' },
  'querystring.parse.rangeError': { status: 413, description: 'the report has too many fields' },
};

/** A parser's refusal as the answer to send; undefined for failures of our own. */
function parserRefusal(err: unknown): { status: number; description: string } | undefined {
  const e = err as { type?: unknown; status?: unknown } | undefined;
  const known = typeof e?.type === 'string' ? PARSER_ERRORS[e.type] : undefined;
  if (known) return known;
  // e.g. a gzip body that does not inflate
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, description: 'the report could not be read' };
  return undefined;
}

/**
 * Delivery reports from the SMS gateway. Reports are signed with the gateway's X-WSSE
 * UsernameToken over our app key and secret; anything else is refused before it is applied.
 * Every answer, errors included, is JSON: `{ code, description }`.
 */
export function callbackRouter(deps: AppDeps): Router {
  const r = Router();
  const seen = new Map<string, number>();

  const verified = (req: Request, res: Response, next: NextFunction) => {
    const keys = deps.notifications?.smsCallback;
    if (!keys) {
      res.status(404).json({ code: 'E404', description: 'SMS is not configured' });
      return;
    }
    const now = Date.now();
    for (const [nonce, at] of seen) if (now - at > 10 * 60_000) seen.delete(nonce);
    const verdict = verifyWsse(req.get('x-wsse'), keys.appKey, keys.appSecret, {
      maxSkewMs: 5 * 60_000,
      isReplay: (nonce) => {
        if (seen.has(nonce)) return true;
        seen.set(nonce, now);
        return false;
      },
    });
    if (!verdict.ok) {
      deps.log.warn({ reason: verdict.reason }, 'refused an SMS delivery report');
      res.status(401).json({ code: 'E000002', description: verdict.message });
      return;
    }
    next();
  };

  r.post('/callbacks/sms-status', express.urlencoded({ extended: false, limit: BODY_LIMIT }), verified, async (req, res) => {
    const fields = (req.body ?? {}) as Record<string, string>;
    const problems = controlCharacterProblems(fields, 'body');
    if (problems.length > 0) {
      res.status(400).json({ code: 'E000001', description: summarize(problems) });
      return;
    }
    let report;
    try {
      report = parseStatusReport(fields);
    } catch (err) {
      res.status(400).json({ code: 'E000001', description: err instanceof Error ? err.message : 'malformed report' });
      return;
    }
    const updated = await applyDeliveryReport(deps.db, report.providerMessageId, report.delivered, report.reason);
    res.json({ code: '000000', description: updated > 0 ? 'applied' : 'unknown message id' });
  });

  const callbackErrors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const refusal = parserRefusal(err);
    if (refusal) {
      deps.log.warn({ status: refusal.status, reason: refusal.description }, 'refused an unreadable SMS delivery report');
      res.status(refusal.status).json({ code: 'E000001', description: refusal.description });
      return;
    }
    deps.log.error({ err, path: req.path }, 'SMS delivery report failed');
    res.status(500).json({ code: 'E000500', description: 'the report could not be applied; send it again' });
  };
  r.use('/callbacks', callbackErrors);
  return r;
}
