import express, { Router } from 'express';
import { applyDeliveryReport } from '../db/outbox.js';
import { claimReportNonce } from '../db/sms-report-nonces.js';
import { contentDigest, parseStatusReport, verifyWsse } from '../notifications/sms.js';
import type { AppDeps } from './deps.js';

const MAX_SKEW_MS = 5 * 60_000;

/**
 * Delivery reports from the SMS gateway. A report is signed with the gateway's X-WSSE
 * UsernameToken over our app key and secret with the body's Content-Digest in the signed
 * material; its nonce is used once, remembered in the database (so neither a restart nor
 * another web process lets it replay). Anything else is refused before the body is read.
 */
export function callbackRouter(deps: AppDeps): Router {
  const r = Router();
  r.post('/callbacks/sms-status', express.raw({ type: () => true, limit: '16kb' }), async (req, res) => {
    const keys = deps.notifications?.smsCallback;
    if (!keys) {
      res.status(404).json({ code: 'E404', description: 'SMS is not configured' });
      return;
    }
    const refuse = (reason: string, description: string) => {
      deps.log.warn({ reason }, 'refused an SMS delivery report');
      res.status(401).json({ code: 'E000002', description });
    };
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
    let report;
    try {
      report = parseStatusReport(new URLSearchParams(raw.toString('utf8')));
    } catch (err) {
      res.status(400).json({ code: 'E000001', description: err instanceof Error ? err.message : 'malformed report' });
      return;
    }
    const updated = await applyDeliveryReport(deps.db, report.providerMessageId, report.delivered, report.reason);
    res.json({ code: '000000', description: updated > 0 ? 'applied' : 'unknown message id' });
  });
  return r;
}
