import { Router, type Request, type Response } from 'express';
import { KINDS, REVIEW_KINDS } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { type ReviewKind } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { ruleChangeText } from '../../i18n/rule-change-text.js';
import { previewRestore, previewRuleSet, type RuleSetPreview } from '../use-cases/preview-rules.js';
import { hasForm, previewPaging } from './preview-pages.js';
import { restoreRuleSet, saveRuleSet } from '../use-cases/save-rule-set.js';
import { rulesInForce, rulesOverview, ruleSetHistory, ruleSetVersion, type RuleSetDiff } from '../use-cases/rule-history.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { isHtmx, renderPage, readerLanguage } from './render.js';
import { FORM_CHOICES, formFieldOf, formFromRuleSet, ruleSetFromForm, type RuleForm } from './rule-form.js';
import { requireRole, staffOf } from './session.js';
import { clip } from '../input-guard.js';

export const actorOf = (res: Response) => {
  const s = staffOf(res);
  return { id: s.id, name: s.name, role: s.role };
};

/** A refusal's details as { form field: message }, for the messages beside the fields. */
export function fieldErrors(err: HttpError, fieldOf: (path: string) => string = (p) => p): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of err.details) out[fieldOf(d.path)] ??= d.message;
  return out;
}

/** Each change worded for the reader. */
const labelled = ({ changes, reasons }: RuleSetDiff, lang: Language, kind: ReviewKind) => changes.map((c) => ruleChangeText(c, lang, { kind, reasons }));

/** Admins adjust each kind's rules without a deploy, see the effect first, and can go back to any version. */
export function rulesRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const admin = requireRole('admin');
  const changeDeps = { db: deps.db, log: deps.log, recompute: deps.reviews.recomputeTarget() };

  const kindOf = (req: Request<{ kind: string }>): ReviewKind => {
    if (!(REVIEW_KINDS as readonly string[]).includes(req.params.kind)) throw notFound('review kind');
    return req.params.kind as ReviewKind;
  };

  r.get('/admin/rules', admin, async (req, res) => {
    renderPage(req, res, csrf, 'rules', null, { title: 'rules.title', kinds: await rulesOverview(deps.db) });
  });

  const editor = async (
    req: Request<{ kind: string }>,
    res: Response,
    kind: ReviewKind,
    extra: { form?: RuleForm; errors?: Record<string, string>; preview?: unknown; message?: { kind: 'ok' | 'error'; text: string } } = {},
    status = 200,
  ) => {
    const lang = readerLanguage(req, res);
    const { inForce, versions } = await ruleSetHistory(deps.db, kind);
    renderPage(
      req,
      res,
      csrf,
      'rules-edit',
      null,
      {
        title: 'rules.title',
        kind,
        def: { stages: KINDS[kind].stages },
        inForce,
        form: extra.form ?? formFromRuleSet(kind, inForce.rules),
        errors: extra.errors ?? {},
        preview: extra.preview,
        message: extra.message,
        choices: FORM_CHOICES,
        versions,
        lang,
      },
      status,
    );
  };

  r.get('/admin/rules/:kind', admin, async (req: Request<{ kind: string }>, res) => {
    await editor(req, res, kindOf(req));
  });

  /** Reads the form, or answers with it again, each refusal beside its field. */
  const readForm = async (req: Request<{ kind: string }>, res: Response, kind: ReviewKind, fields = req.body as Record<string, unknown>) => {
    return ruleSetFromForm(kind, fields, await rulesInForce(deps.db, kind));
  };

  const previewData = (p: RuleSetPreview, lang: Language, kind: ReviewKind, path: string, fields: Record<string, unknown>) => ({
    impact: p.impact,
    changes: labelled(p, lang, kind),
    paging: previewPaging(path, fields, p.impact),
  });

  /** The form's preview, from a POST (the button) or a GET (a page of moved reviews): beside the buttons, the form as typed. */
  const preview = async (req: Request<{ kind: string }>, res: Response, fields: Record<string, unknown>) => {
    const kind = kindOf(req);
    const lang = readerLanguage(req, res);
    const { form, candidate, reasonRows } = await readForm(req, res, kind, fields);
    try {
      const p = await previewRuleSet(changeDeps, actorOf(res), kind, candidate, { page: fields.page });
      const data = previewData(p, lang, kind, `/admin/rules/${kind}/preview`, fields);
      if (isHtmx(req)) {
        res.vary('HX-Request');
        res.render('partials/rules-preview', { layout: false, lang, preview: data });
        return;
      }
      await editor(req, res, kind, { form, preview: data });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      const errors = fieldErrors(err, (p) => formFieldOf(p, reasonRows));
      if (isHtmx(req)) {
        res.vary('HX-Request');
        res.status(422).render('partials/rules-preview', { layout: false, lang, previewErrors: Object.entries(errors).map(([field, message]) => ({ field, message })) });
        return;
      }
      await editor(req, res, kind, { form, errors }, 422);
    }
  };

  r.post('/admin/rules/:kind/preview', admin, csrf.protect, async (req: Request<{ kind: string }>, res) => preview(req, res, req.body as Record<string, unknown>));

  r.get('/admin/rules/:kind/preview', admin, async (req: Request<{ kind: string }>, res) => {
    if (!hasForm(req.query)) return res.redirect(`/admin/rules/${kindOf(req)}`);
    await preview(req, res, req.query);
  });

  r.post('/admin/rules/:kind', admin, csrf.protect, async (req: Request<{ kind: string }>, res) => {
    const kind = kindOf(req);
    const { form, candidate, reasonRows } = await readForm(req, res, kind);
    try {
      const saved = await saveRuleSet(changeDeps, actorOf(res), kind, candidate, { comment: form.comment, ip: req.ip ?? null });
      redirectWith(res, `/admin/rules/${kind}`, saved.changed ? { kind: 'ok', key: 'flash.rulesSaved', params: { version: String(saved.version) } } : { kind: 'info', key: 'rules.nothingChanged' });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      await editor(req, res, kind, { form, errors: fieldErrors(err, (p) => formFieldOf(p, reasonRows)) }, 422);
    }
  });

  const versionOf = (req: Request<{ kind: string; version: string }>) => {
    const kind = kindOf(req as unknown as Request<{ kind: string }>);
    if (!/^\d{1,9}$/.test(req.params.version)) throw notFound('rule set version');
    return { kind, version: Number(req.params.version) };
  };

  const versionPage = async (req: Request<{ kind: string; version: string }>, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const lang = readerLanguage(req, res);
    const { kind, version } = versionOf(req);
    const view = await ruleSetVersion(deps.db, kind, version);
    renderPage(
      req,
      res,
      csrf,
      'rules-version',
      null,
      {
        title: 'rules.title',
        kind,
        ...view,
        changes: labelled(view.inVersion, lang, kind),
        againstInForce: labelled(view.againstInForce, lang, kind),
        form: formFromRuleSet(kind, view.v.rules),
        choices: FORM_CHOICES,
        comment: '',
        ...extra,
      },
      status,
    );
  };

  r.get('/admin/rules/:kind/versions/:version', admin, async (req: Request<{ kind: string; version: string }>, res) => versionPage(req, res));

  const versionPreview = async (req: Request<{ kind: string; version: string }>, res: Response, fields: Record<string, unknown>) => {
    const lang = readerLanguage(req, res);
    const { kind, version } = versionOf(req);
    const p = await previewRestore(changeDeps, actorOf(res), kind, version, { page: fields.page });
    const data = previewData(p, lang, kind, `/admin/rules/${kind}/versions/${version}/preview`, { comment: fields.comment ?? '' });
    if (isHtmx(req)) {
      res.vary('HX-Request');
      res.render('partials/rules-preview', { layout: false, lang, preview: data });
      return;
    }
    await versionPage(req, res, { preview: data, comment: clip(typeof fields.comment === 'string' ? fields.comment : '', 500) });
  };

  r.post('/admin/rules/:kind/versions/:version/preview', admin, csrf.protect, async (req: Request<{ kind: string; version: string }>, res) => versionPreview(req, res, req.body as Record<string, unknown>));
  r.get('/admin/rules/:kind/versions/:version/preview', admin, async (req: Request<{ kind: string; version: string }>, res) => versionPreview(req, res, req.query));

  r.post('/admin/rules/:kind/versions/:version/restore', admin, csrf.protect, async (req: Request<{ kind: string; version: string }>, res) => {
    const { kind, version } = versionOf(req);
    const comment = (req.body as Record<string, unknown>).comment;
    // Restoring puts older rules in force at once: the form's confirmation box must be ticked, with or without a script.
    if ((req.body as Record<string, unknown>).confirm !== '1') {
      await ruleSetVersion(deps.db, kind, version);
      redirectWith(res, `/admin/rules/${kind}/versions/${version}`, { kind: 'error', key: 'flash.confirmFirst' });
      return;
    }
    try {
      const saved = await restoreRuleSet(changeDeps, actorOf(res), kind, version, { comment, ip: req.ip ?? null });
      const params = { from: String(version), version: String(saved.version) };
      redirectWith(res, `/admin/rules/${kind}`, saved.changed ? { kind: 'ok', key: 'flash.rulesRestored', params } : { kind: 'info', key: 'flash.rulesAlreadyInForce', params });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      await versionPage(req, res, { errors: fieldErrors(err), comment: typeof comment === 'string' ? comment : '' }, 422);
    }
  });

  r.use('/admin/rules', requireRole('admin'), (_req, _res) => {
    throw new HttpError(404, 'not_found', 'no such rules page');
  });
  return r;
}
