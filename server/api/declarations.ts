import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { declarationsInForce } from '../use-cases/declarations.js';
import { apiLanguage } from './language.js';

/** The declarations a tenant ticks, in the versions in force and the caller's language. */
export function declarationRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/declarations', async (req, res) => {
    const lang = apiLanguage(req);
    const items = await declarationsInForce(deps.db);
    res.json({ items: items.map((d) => ({ id: d.id, version: String(d.version), title: d.title[lang], text: d.text[lang] })) });
  });
  return r;
}
