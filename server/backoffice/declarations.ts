import { Router, type Request, type Response } from 'express';
import { isDeclarationId, type DeclarationId } from '../../domain/declarations.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { declarationHistory, declarationsInForce, publishDeclaration } from '../use-cases/declarations.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { readerLanguage, renderPage } from './render.js';
import { ALL_STAFF, requireRole, staffOf } from './session.js';

const fieldOf = (body: unknown, name: string) => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

/**
 * The declarations tenants tick: every staff member reads each version (a review page links to the
 * one its tenant accepted); admins publish a new version in both languages, in force at once.
 */
export function declarationsRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const anyone = requireRole(...ALL_STAFF);
  const admin = requireRole('admin');

  const idOf = (req: Request<{ id: string }>): DeclarationId => {
    if (!isDeclarationId(req.params.id)) throw notFound('declaration');
    return req.params.id;
  };

  r.get('/declarations', anyone, async (req, res) => {
    renderPage(req, res, csrf, 'declarations', null, { title: 'declarations.title', declarations: await declarationsInForce(deps.db) });
  });

  const page = async (req: Request<{ id: string }>, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const id = idOf(req);
    const versions = await declarationHistory(deps.db, id);
    const current = versions[0]!;
    renderPage(
      req,
      res,
      csrf,
      'declaration',
      null,
      {
        title: 'declarations.title',
        id,
        versions,
        current,
        canPublish: staffOf(res).role === 'admin',
        form: { titleZh: current.title['zh-CN'], titleEn: current.title.en, textZh: current.text['zh-CN'], textEn: current.text.en },
        ...extra,
      },
      status,
    );
  };

  r.get('/declarations/:id', anyone, async (req: Request<{ id: string }>, res) => {
    await page(req, res);
  });

  // The form's own address, opened or reloaded after a refusal, is the declaration's page.
  r.get('/admin/declarations/:id', admin, (req: Request<{ id: string }>, res) => res.redirect(303, `/declarations/${idOf(req)}`));

  r.post('/admin/declarations/:id', admin, csrf.protect, async (req: Request<{ id: string }>, res) => {
    const id = idOf(req);
    const lang = readerLanguage(req, res);
    const typed = { titleZh: fieldOf(req.body, 'titleZh'), titleEn: fieldOf(req.body, 'titleEn'), textZh: fieldOf(req.body, 'textZh'), textEn: fieldOf(req.body, 'textEn') };
    try {
      const out = await publishDeclaration(deps, staffOf(res), id, typed, { ip: req.ip ?? null, lang });
      redirectWith(res, `/declarations/${id}`, out.published ? { kind: 'ok', key: 'declarations.published', params: { version: String(out.version), title: typed[lang === 'en' ? 'titleEn' : 'titleZh'] } } : { kind: 'info', key: 'declarations.unchanged' });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      // The form comes back with what was typed and each problem beside its field.
      const errors = Object.fromEntries(err.details.map((d) => [d.path, d.message]));
      await page(req, res, { form: typed, errors }, 422);
    }
  });
  return r;
}
