import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { NOTICE_READERS, requireRole } from './session.js';

/** What the local SMTP server and SMS gateway received, when they stand in for the real ones. */
export function devSinksRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  r.get('/dev/mailbox', requireRole(...NOTICE_READERS), (req, res) => {
    const mailbox = deps.notifications?.dev.mailbox;
    if (!mailbox) throw notFound('dev mailbox (mail goes to SMTP_URL)');
    const messages = [...mailbox.messages()].reverse().slice(0, 200);
    renderPage(req, res, csrf, 'dev-mailbox', null, { title: 'dev.mailbox', messages });
  });

  r.get('/dev/sms', requireRole(...NOTICE_READERS), (req, res) => {
    const sms = deps.notifications?.dev.sms;
    if (!sms) throw notFound('dev SMS gateway (SMS goes to SMS_GATEWAY_URL)');
    const messages = [...sms.messages()].reverse().slice(0, 200);
    renderPage(req, res, csrf, 'dev-sms', null, { title: 'dev.sms', messages });
  });
  return r;
}
