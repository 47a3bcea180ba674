import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { Csrf } from './csrf.js';
import { renderPage } from './render.js';
import { NOTICE_READERS, requireRole } from './session.js';

/**
 * The language a received message is written in, so the page marks it as such: the sinks see
 * what went over the wire, not which contact's language chose the template.
 */
const writtenIn = (text: string): 'zh-CN' | 'en' => {
  // A Chinese message still names things in Latin letters and an English one quotes Chinese
  // names, so the script with more characters decides.
  const han = text.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return han * 2 >= latin ? 'zh-CN' : 'en';
};

/** What the local SMTP server and SMS gateway received, when they stand in for the real ones. */
export function devSinksRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  r.get('/dev/mailbox', requireRole(...NOTICE_READERS), async (req, res) => {
    const mailbox = deps.notifications?.dev.mailbox;
    if (!mailbox) throw notFound('dev mailbox (mail goes to SMTP_URL)');
    const messages = [...(await mailbox.messages())]
      .reverse()
      .slice(0, 200)
      .map((m) => ({ ...m, lang: writtenIn(`${m.subject} ${m.text}`) }));
    renderPage(req, res, csrf, 'dev-mailbox', null, { title: 'dev.mailbox', messages });
  });

  r.get('/dev/sms', requireRole(...NOTICE_READERS), async (req, res) => {
    const sms = deps.notifications?.dev.sms;
    if (!sms) throw notFound('dev SMS gateway (SMS goes to SMS_GATEWAY_URL)');
    const messages = [...(await sms.messages())]
      .reverse()
      .slice(0, 200)
      .map((m) => ({
        ...m,
        lang: writtenIn(m.params.join('')),
        accepted: m.status === '000000',
        delivered: m.delivery ? m.delivery.status === 'DELIVRD' : null,
      }));
    renderPage(req, res, csrf, 'dev-sms', null, { title: 'dev.sms', messages });
  });
  return r;
}
