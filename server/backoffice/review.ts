import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { findReviewForStaff, listReviewEvents } from '../../db/reviews.js';
import { filesOfSubject } from '../../db/stored-files.js';
import { storeOf } from '../../db/subjects/index.js';
import { rejectionReasonsFor } from '../../domain/kinds/reasons.js';
import type { Language } from '../../domain/labels.js';
import { canDecide, type ReviewKind } from '../../domain/review.js';
import { explainDueAt, validateDeadlineRule } from '../../domain/working-time.js';
import { pickLanguage } from '../i18n/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { ReviewServiceUnavailable } from '../review-client.js';
import { claimReview } from '../use-cases/claim-review.js';
import { decideReview } from '../use-cases/decide-review.js';
import { replyToTenant } from '../use-cases/reply-to-tenant.js';
import { notifyContacts } from '../use-cases/notify-contacts.js';
import { listContacts } from '../../db/contacts.js';
import type { Csrf } from './csrf.js';
import { isHtmx, renderPage } from './render.js';
import { ALL_STAFF, DECIDERS, requireRole, staffOf } from './session.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const explain = async (deps: AppDeps, review: { submittedAt: Date; stageStartedAt: Date | null; dueRule: unknown }, lang: 'zh-CN' | 'en') => {
  const cal = await deps.calendar();
  // A stage after the review (provisioning) counts its deadline from when it began.
  return explainDueAt(review.stageStartedAt ?? review.submittedAt, validateDeadlineRule(review.dueRule), cal.calendar, lang, cal.names[lang]);
};

export type PageMessage = { kind: 'ok' | 'error'; text: string };

/**
 * Everything the review page shows. `subjectForm` is what a form in the kind's partial showed
 * when it was refused (the text as typed, what is wrong), handed to the partial as `form`.
 */
export async function reviewPageData(deps: AppDeps, req: Request, res: Response, id: string, message?: PageMessage, subjectForm?: object) {
  if (!UUID.test(id)) throw notFound('review');
  const review = await findReviewForStaff(deps.db, id);
  if (!review) throw notFound('review');
  const staff = staffOf(res);
  const lang = pickLanguage((req.cookies as Record<string, string | undefined>).vrd_lang, staff.language);
  const kind = review.kind as ReviewKind;
  const [events, files, tenantContacts] = await Promise.all([
    listReviewEvents(deps.db, id),
    filesOfSubject(deps.db, kind, review.subjectId),
    listContacts(deps.db, review.tenantId),
  ]);
  const subject = await storeOf(kind).staffView(deps, review, files);
  return {
    title: review.title,
    review,
    subject: subjectForm ? { ...subject, form: subjectForm } : subject,
    subjectPartial: `subjects/${kind}`,
    events: events.reverse(),
    explanation: await explain(deps, review, lang),
    reasons: rejectionReasonsFor(review.kind as ReviewKind).map((x) => ({ code: x.code, text: x.text[lang], requiresText: x.requiresText })),
    canAct: canDecide(staff.role) && review.status === 'pending',
    canNotify: canDecide(staff.role),
    contacts: tenantContacts,
    readOnly: !canDecide(staff.role),
    claimable: canDecide(staff.role) && review.status === 'pending' && review.assigneeId !== staff.id,
    token: randomBytes(18).toString('base64url'),
    message,
  };
}

export function reviewRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const pageData = (req: Request, res: Response, id: string, message?: PageMessage) => reviewPageData(deps, req, res, id, message);

  r.get('/reviews/:id', requireRole(...ALL_STAFF), async (req: Request<{ id: string }>, res) => {
    renderPage(req, res, csrf, 'review', 'review-panel', await pageData(req, res, req.params.id));
  });

  const languageOf = (req: Request, res: Response): Language =>
    pickLanguage((req.cookies as Record<string, string | undefined>).vrd_lang, staffOf(res).language);

  /** Decision and claim share one shape: run the use-case, then show the panel with the truthful outcome. */
  const act = (run: typeof decideReview) => async (req: Request<{ id: string }>, res: Response) => {
    const id = req.params.id;
    if (!UUID.test(id)) throw notFound('review');
    try {
      await run(deps, { id: staffOf(res).id, name: staffOf(res).name, role: staffOf(res).role }, id, req.body, languageOf(req, res));
    } catch (err) {
      const unavailable = err instanceof ReviewServiceUnavailable;
      if (!(err instanceof HttpError) || (err.status >= 500 && !unavailable) || err.status === 404) throw err;
      const text = unavailable ? 'review.serviceUnavailable' : err.details.length > 0 ? err.details.map((d) => d.message).join('; ') : err.message;
      renderPage(req, res, csrf, 'review', 'review-panel', await pageData(req, res, id, { kind: 'error', text }), err.status);
      return;
    }
    if (!isHtmx(req)) {
      res.redirect(303, `/reviews/${id}`);
      return;
    }
    renderPage(req, res, csrf, 'review', 'review-panel', await pageData(req, res, id, { kind: 'ok', text: 'review.saved' }));
  };

  r.post('/reviews/:id/decision', requireRole(...DECIDERS), csrf.protect, act(decideReview));
  r.post('/reviews/:id/claim', requireRole(...DECIDERS), csrf.protect, act(claimReview));
  r.post('/reviews/:id/reply', requireRole(...DECIDERS), csrf.protect, act(replyToTenant));
  r.post('/reviews/:id/notify', requireRole(...DECIDERS), csrf.protect, act(notifyContacts));
  return r;
}
