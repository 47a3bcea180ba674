import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Language } from '../../domain/labels.js';
import { channelsFor, NOTICE_EVENT_NAMES, NOTICE_EVENTS, type NoticeChannel, type NoticeEvent, type NoticeTemplate } from '../../domain/notice-templates.js';
import { templateInForce } from '../../db/notice-templates.js';
import { templateErrorText } from '../../i18n/template-error-text.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { clip } from '../input-guard.js';
import { listNoticeTemplates, previewTemplate, resetNoticeTemplate, saveNoticeTemplate, templateSample, type TemplateKey } from '../use-cases/notice-templates.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { readerLanguage, renderPage } from './render.js';
import { requireRole, staffOf } from './session.js';

const keySchema = z.object({
  event: z.enum(NOTICE_EVENT_NAMES as [NoticeEvent, ...NoticeEvent[]]),
  channel: z.enum(['email', 'sms']),
  lang: z.enum(['zh-CN', 'en']),
});

const keyOf = (req: Request): TemplateKey => {
  const k = keySchema.safeParse(req.params);
  if (!k.success || !channelsFor(k.data.event).includes(k.data.channel)) throw notFound('notice template');
  return { event: k.data.event, channel: k.data.channel as NoticeChannel, language: k.data.lang as Language };
};

const formTemplate = (req: Request, channel: NoticeChannel): NoticeTemplate => {
  const body = req.body as Record<string, unknown>;
  return {
    subject: channel === 'email' ? clip(String(body.subject ?? ''), 500) : null,
    body: clip(String(body.body ?? ''), 4000),
  };
};

/** The review a preview is rendered with: the query's on a GET, the form's on a POST. */
const sampleReviewOf = (req: Request): string | undefined => {
  const fromBody = (req.body as Record<string, unknown> | undefined)?.review;
  return typeof req.query.review === 'string' ? req.query.review : typeof fromBody === 'string' ? fromBody : undefined;
};

const editPath = (key: TemplateKey) => `/admin/templates/${key.event}/${key.channel}/${key.language}`;

/** Admins edit the wording of every notice, with a live preview rendered from a real review. */
export function templatesRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const admin = requireRole('admin');

  const editPage = async (req: Request, res: Response, t: NoticeTemplate & { overridden?: boolean }, extra: Record<string, unknown> = {}, status = 200) => {
    const key = keyOf(req);
    const sample = await templateSample(deps.db, sampleReviewOf(req), key.language, staffOf(res).name);
    renderPage(req, res, csrf, 'template-edit', null, {
      title: 'templates.title',
      key,
      template: t,
      vars: NOTICE_EVENTS[key.event].vars.map((v) => ({ name: v, text: `{{${v}}}` })),
      sample,
      preview: previewTemplate(key, t, sample.facts, readerLanguage(req, res)),
      ...extra,
    }, status);
  };

  r.get('/admin/templates', admin, async (req, res) => {
    renderPage(req, res, csrf, 'templates', null, { title: 'templates.title', rows: await listNoticeTemplates(deps.db) });
  });

  r.get('/admin/templates/:event/:channel/:lang', admin, async (req, res) => {
    const key = keyOf(req);
    await editPage(req, res, await templateInForce(deps.db, key.event, key.channel, key.language));
  });

  r.post('/admin/templates/:event/:channel/:lang/preview', admin, csrf.protect, async (req, res) => {
    const key = keyOf(req);
    const sample = await templateSample(deps.db, String((req.body as Record<string, unknown>).review ?? ''), key.language, staffOf(res).name);
    res.vary('HX-Request');
    const lang = readerLanguage(req, res);
    res.render('partials/template-preview', { layout: false, lang, key, preview: previewTemplate(key, formTemplate(req, key.channel), sample.facts, lang) });
  });

  r.post('/admin/templates/:event/:channel/:lang', admin, csrf.protect, async (req, res) => {
    const key = keyOf(req);
    const t = formTemplate(req, key.channel);
    const result = await saveNoticeTemplate(deps.db, key, t, staffOf(res), req.ip ?? null);
    if (!result.saved) {
      await editPage(req, res, t, { message: { kind: 'error', text: templateErrorText(result.error, readerLanguage(req, res)) } }, 422);
      return;
    }
    redirectWith(res, editPath(key), { kind: 'ok', key: 'flash.templateSaved' });
  });

  r.post('/admin/templates/:event/:channel/:lang/reset', admin, csrf.protect, async (req, res) => {
    const key = keyOf(req);
    await resetNoticeTemplate(deps.db, key, staffOf(res), req.ip ?? null);
    redirectWith(res, editPath(key), { kind: 'ok', key: 'flash.templateReset' });
  });

  r.use('/admin/templates', (_req, _res) => {
    throw new HttpError(404, 'not_found', 'no such notice template');
  });
  return r;
}
