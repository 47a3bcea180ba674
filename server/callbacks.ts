import express, { Router } from 'express';
import { applyDeliveryReport } from '../db/outbox.js';
import { parseStatusReport, verifyWsse } from '../notifications/sms.js';
import type { AppDeps } from './deps.js';

/**
 * Delivery reports from the SMS gateway. Reports are signed with the gateway's X-WSSE
 * UsernameToken over our app key and secret; anything else is refused before it is read.
 */
export function callbackRouter(deps: AppDeps): Router {
  const r = Router();
  const seen = new Map<string, number>();
  r.post('/callbacks/sms-status', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
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
    let report;
    try {
      report = parseStatusReport(req.body as Record<string, string>);
    } catch (err) {
      res.status(400).json({ code: 'E000001', description: err instanceof Error ? err.message : 'malformed report' });
      return;
    }
    const updated = await applyDeliveryReport(deps.db, report.providerMessageId, report.delivered, report.reason);
    res.json({ code: '000000', description: updated > 0 ? 'applied' : 'unknown message id' });
  });
  return r;
}
