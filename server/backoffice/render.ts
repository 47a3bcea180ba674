import type { Request, Response } from 'express';
import type { Csrf } from './csrf.js';
import { pickLanguage, translateWith } from '../../i18n/index.js';
import { takeFlash } from './flash.js';
import type { Language } from '../../domain/labels.js';

/**
 * An htmx request for a fragment. History restores (the back button) and requests that target
 * the whole body get the full page, like a direct visit.
 */
export const isHtmx = (req: Request) =>
  req.get('hx-request') === 'true' && req.get('hx-history-restore-request') !== 'true' && req.get('hx-request-type') !== 'full';

/**
 * Renders a page on a direct visit, or only its partial when htmx asks: one template for
 * both, so the fragment a page includes is the fragment the route returns.
 */
/**
 * The language a page's reader reads: the switch's cookie, else the signed-in staff member's own
 * setting, else Chinese. Every back-office page, error page and refusal asks this one function.
 */
export function readerLanguage(req: Request, res: Response): Language {
  const staff = res.locals.staff as { language?: Language } | undefined;
  return pickLanguage((req.cookies as Record<string, string | undefined> | undefined)?.vrd_lang, staff?.language ?? 'zh-CN');
}

export function renderPage(
  req: Request,
  res: Response,
  csrf: Csrf,
  page: string,
  partial: string | null,
  data: Record<string, unknown>,
  status = 200,
): void {
  res.vary('HX-Request');
  const staff = res.locals.staff;
  const lang = readerLanguage(req, res);
  const common = { lang, staff, csrfToken: csrf.tokenFor(req, res), currentUrl: req.originalUrl };
  if (partial && isHtmx(req)) {
    res.status(status).render(`partials/${partial}`, { ...common, ...data, fragment: true, layout: false });
    return;
  }
  const flash = takeFlash(res);
  res.status(status).render(page, { ...common, ...(flash ? { flash: { kind: flash.kind, text: translateWith(lang, flash.key, flash.params ?? {}), secret: flash.secret } } : {}), ...data });
}
