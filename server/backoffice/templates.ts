import { Router, type Request, type Response } from 'express';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { contacts, reviews, tenants } from '../../db/schema.js';
import { resetTemplate, saveTemplate, templateInForce } from '../../db/notice-templates.js';
import { PUBLIC_URL_SETTING, readSetting } from '../../db/settings.js';
import type { Language } from '../../domain/labels.js';
import { translate } from '../../i18n/index.js';
import {
  channelsFor,
  NOTICE_EVENT_NAMES,
  NOTICE_EVENTS,
  renderTemplate,
  smsSegments,
  TemplateError,
  validateTemplate,
  type NoticeChannel,
  type NoticeEvent,
  type NoticeTemplate,
} from '../../domain/notice-templates.js';
import { noticeTime, templateFacts } from '../../notices/render.js';
import { decisionNoticeFacts, staffNoticeFacts, storedDecisionWording } from '../../notices/review-facts.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { readerLanguage, renderPage } from './render.js';
import { templateErrorText } from '../../i18n/template-error-text.js';
import { requireRole, staffOf } from './session.js';
import { clip } from '../input-guard.js';
import { UUID } from '../../domain/ids.js';

const keySchema = z.object({
  event: z.enum(NOTICE_EVENT_NAMES as [NoticeEvent, ...NoticeEvent[]]),
  channel: z.enum(['email', 'sms']),
  lang: z.enum(['zh-CN', 'en']),
});

/** Admins edit the wording of every notice, with a live preview rendered from a real review. */
export function templatesRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const admin = requireRole('admin');

  const keyOf = (req: Request) => {
    const k = keySchema.safeParse(req.params);
    if (!k.success || !channelsFor(k.data.event).includes(k.data.channel)) throw notFound('notice template');
    return { event: k.data.event, channel: k.data.channel as NoticeChannel, language: k.data.lang as Language };
  };

  r.get('/admin/templates', admin, async (req, res) => {
    const rows = [];
    for (const event of NOTICE_EVENT_NAMES) {
      for (const channel of channelsFor(event)) {
        for (const language of ['zh-CN', 'en'] as const) {
          const t = await templateInForce(deps.db, event, channel, language);
          rows.push({ event, channel, language, overridden: t.overridden, audience: NOTICE_EVENTS[event].audience });
        }
      }
    }
    renderPage(req, res, csrf, 'templates', null, { title: 'templates.title', rows });
  });

  /** The facts of a real review (the chosen one, else the latest) as the notice would see them. */
  const sampleFacts = async (reviewId: string | undefined, language: Language, res: Response) => {
    const [review] = await deps.db
      .select({ review: reviews, tenantName: tenants.name })
      .from(reviews)
      .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
      .where(reviewId && UUID.test(reviewId) ? eq(reviews.id, reviewId) : undefined)
      .orderBy(desc(reviews.submittedAt))
      .limit(1);
    const recent = await deps.db.select({ id: reviews.id, title: reviews.title }).from(reviews).orderBy(desc(reviews.submittedAt)).limit(20);
    if (!review) return { facts: {} as Partial<Record<string, string | number>>, review: undefined, recent };
    const rv = review.review;
    // A contact who reads the template's language, as the notice would reach them; else any contact.
    const people = await deps.db.select({ name: contacts.name, language: contacts.language }).from(contacts).where(eq(contacts.tenantId, rv.tenantId));
    const contact = people.find((c) => c.language === language) ?? people[0];
    const decision = decisionNoticeFacts(rv, await storedDecisionWording(deps.db, rv), language);
    const base = (await readSetting(deps.db, PUBLIC_URL_SETTING)) ?? '';
    const staffFacts = staffNoticeFacts(rv, staffOf(res).name, language, base, { due: rv.dueAt, n: Math.max(1, rv.reminderCount), answerBy: rv.reminderAnswerDueAt ?? rv.dueAt });
    return {
      review: rv,
      recent,
      facts: templateFacts(language, {
        ...staffFacts,
        tenantName: review.tenantName,
        contactName: contact?.name ?? translate(language, 'templates.sample.contactName'),
        ...decision,
        reason: decision.reason || translate(language, 'templates.sample.reason'),
        decidedAt: decision.decidedAt || noticeTime(new Date(), language),
        message: translate(language, 'templates.sample.message'),
      }),
    };
  };

  const preview = (key: { event: NoticeEvent; channel: NoticeChannel }, t: NoticeTemplate, facts: Partial<Record<string, string | number>>, lang: Language) => {
    try {
      validateTemplate(key.event, key.channel, t);
      const out = renderTemplate(t, facts);
      return { ok: true, subject: out.subject, text: out.text, sms: key.channel === 'sms' ? smsSegments(out.text) : null };
    } catch (err) {
      if (err instanceof TemplateError) return { ok: false, error: templateErrorText(err, lang), field: err.field };
      throw err;
    }
  };

  const formTemplate = (req: Request, channel: NoticeChannel): NoticeTemplate => {
    const body = req.body as Record<string, unknown>;
    return {
      subject: channel === 'email' ? clip(String(body.subject ?? ''), 500) : null,
      body: clip(String(body.body ?? ''), 4000),
    };
  };

  const editPage = async (req: Request, res: Response, t: NoticeTemplate & { overridden?: boolean }, extra: Record<string, unknown> = {}, status = 200) => {
    const key = keyOf(req);
    const reviewId = typeof req.query.review === 'string' ? req.query.review : typeof (req.body as Record<string, unknown> | undefined)?.review === 'string' ? String((req.body as Record<string, unknown>).review) : undefined;
    const sample = await sampleFacts(reviewId, key.language, res);
    renderPage(req, res, csrf, 'template-edit', null, {
      title: 'templates.title',
      key,
      template: t,
      vars: NOTICE_EVENTS[key.event].vars.map((v) => ({ name: v, text: `{{${v}}}` })),
      sample,
      preview: preview(key, t, sample.facts, readerLanguage(req, res)),
      ...extra,
    }, status);
  };

  r.get('/admin/templates/:event/:channel/:lang', admin, async (req, res) => {
    const key = keyOf(req);
    await editPage(req, res, await templateInForce(deps.db, key.event, key.channel, key.language));
  });

  r.post('/admin/templates/:event/:channel/:lang/preview', admin, csrf.protect, async (req, res) => {
    const key = keyOf(req);
    const sample = await sampleFacts(String((req.body as Record<string, unknown>).review ?? ''), key.language, res);
    res.vary('HX-Request');
    const lang = readerLanguage(req, res);
    res.render('partials/template-preview', { layout: false, lang, key, preview: preview(key, formTemplate(req, key.channel), sample.facts, lang) });
  });

  r.post('/admin/templates/:event/:channel/:lang', admin, csrf.protect, async (req, res) => {
    const key = keyOf(req);
    const t = formTemplate(req, key.channel);
    try {
      validateTemplate(key.event, key.channel, t);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      await editPage(req, res, t, { message: { kind: 'error', text: templateErrorText(err, readerLanguage(req, res)) } }, 422);
      return;
    }
    const before = await templateInForce(deps.db, key.event, key.channel, key.language);
    const staff = staffOf(res);
    await deps.db.transaction(async (tx) => {
      await saveTemplate(tx, key, t, staff.id);
      await appendAudit(tx, {
        actorType: 'staff',
        actorId: staff.id,
        actorLabel: staff.name,
        action: 'template.change',
        objectType: 'notice_template',
        objectId: `${key.event}/${key.channel}/${key.language}`,
        ip: req.ip ?? null,
        details: { before: { subject: before.subject, body: before.body }, after: t },
      });
    });
    redirectWith(res, `/admin/templates/${key.event}/${key.channel}/${key.language}`, { kind: 'ok', key: 'flash.templateSaved' });
  });

  r.post('/admin/templates/:event/:channel/:lang/reset', admin, csrf.protect, async (req, res) => {
    const key = keyOf(req);
    const staff = staffOf(res);
    await resetTemplate(deps.db, key);
    await appendAudit(deps.db, {
      actorType: 'staff',
      actorId: staff.id,
      actorLabel: staff.name,
      action: 'template.reset',
      objectType: 'notice_template',
      objectId: `${key.event}/${key.channel}/${key.language}`,
      ip: req.ip ?? null,
    });
    redirectWith(res, `/admin/templates/${key.event}/${key.channel}/${key.language}`, { kind: 'ok', key: 'flash.templateReset' });
  });

  r.use('/admin/templates', (_req, _res) => {
    throw new HttpError(404, 'not_found', 'no such notice template');
  });
  return r;
}
