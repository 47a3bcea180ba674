import express, { Router, type ErrorRequestHandler } from 'express';
import { applyDeliveryReport } from '../db/outbox.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { claimReportNonce } from '../db/sms-report-nonces.js';
import { contentDigest, parseStatusReport, verifyWsse } from '../notifications/sms.js';
import type { AppDeps } from './deps.js';
import { controlCharacterProblems, summarize } from './input-guard.js';

const MAX_SKEW_MS = 5 * 60_000;
const BODY_LIMIT = '16kb';

/** Body reader failures, in the gateway's answer shape: the caller is a machine that reads JSON. */
const PARSER_ERRORS: Record<string, { status: number; description: string }> = {
  'entity.too.large': { status: 413, description: `the report is larger than ${BODY_LIMIT}` },
  'charset.unsupported': { status: 415, description: 'the charset of the report is not supported' },
  'encoding.unsupported': { status: 415, description: 'the Content-Encoding of the report is not supported' },
  'entity.parse.failed': { status: 400, description: 'the report is not a form' },
  'entity.verify.failed': { status: 400, description: 'the report is not a form' },
  'request.aborted': { status: 400, description: 'the report was cut off' },
  'request.size.invalid': { status: 400, description: 'the report is shorter or longer than its Content-Length' },
};

/** A reader's refusal as the answer to send; undefined for failures of our own. */
function parserRefusal(err: unknown): { status: number; description: string } | undefined {
  const e = err as { type?: unknown; status?: unknown } | undefined;
  const known = typeof e?.type === 'string' ? PARSER_ERRORS[e.type] : undefined;
  if (known) return known;
  // e.g. a gzip body that does not inflate
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, description: 'the report could not be read' };
  return undefined;
}

/**
 * Delivery reports from the SMS gateway. A report is signed with the gateway's X-WSSE
 * UsernameToken over our app key and secret with the body's Content-Digest in the signed
 * material; its nonce is used once, remembered in the database (so neither a restart nor
 * another web process lets it replay). Every answer, errors included, is JSON: `{ code, description }`.
 */
export function callbackRouter(deps: AppDeps): Router {
  const r = Router();
  r.post('/callbacks/sms-status', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const keys = deps.notifications?.smsCallback;
    if (!keys) {
      res.status(404).json({ code: 'E404', description: 'SMS is not configured' });
      return;
    }
    const refuse = (reason: string, description: string) => {
      deps.log.warn({ reason }, 'refused an SMS delivery report');
      res.status(401).json({ code: 'E000002', description });
    };
    const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.get('content-type') ?? '')?.[2]?.toLowerCase();
    if (charset && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(charset)) {
      res.status(415).json({ code: 'E000001', description: 'the charset of the report is not supported (send UTF-8)' });
      return;
    }
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const digest = contentDigest(raw);
    if (req.get('content-digest') !== digest) {
      refuse('content_digest', 'Content-Digest is missing or does not match the body (sha-256=:<Base64 SHA-256 of the body>:)');
      return;
    }
    const verdict = verifyWsse(req.get('x-wsse'), keys.appKey, keys.appSecret, { maxSkewMs: MAX_SKEW_MS, contentDigest: digest });
    if (!verdict.ok) {
      refuse(verdict.reason, verdict.message);
      return;
    }
    const now = deps.now();
    // Past Created + the window the report is refused as stale, so the nonce need not be kept longer.
    const expiresAt = new Date(verdict.created.getTime() + MAX_SKEW_MS);
    if (!(await claimReportNonce(deps.db, verdict.nonce, expiresAt, now))) {
      refuse('replayed', 'X-WSSE Nonce was already used');
      return;
    }
    const fields = new URLSearchParams(raw.toString('utf8'));
    const problems = controlCharacterProblems(Object.fromEntries(fields), 'body');
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
    const updated = await applyDeliveryReport(deps.db, report);
    res.json({ code: '000000', description: updated > 0 ? 'applied' : 'unknown message id' });
  });

  const callbackErrors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const refusal = parserRefusal(err);
    if (refusal) {
      deps.log.warn({ status: refusal.status, reason: refusal.description }, 'refused an unreadable SMS delivery report');
      res.status(refusal.status).json({ code: 'E000001', description: refusal.description });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      deps.log.warn({ err, path: req.path }, 'SMS delivery report not applied: the database is unavailable');
      res.status(503).set('Retry-After', '5').json({ code: 'E000503', description: 'the database is unavailable; send the report again shortly' });
      return;
    }
    deps.log.error({ err, path: req.path }, 'SMS delivery report failed');
    res.status(500).json({ code: 'E000500', description: 'the report could not be applied; send it again' });
  };
  r.use('/callbacks', callbackErrors);
  return r;
}
