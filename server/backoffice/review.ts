import { Router, type Request, type Response } from 'express';
import { contactsToldOfDecision, contactsToldOfLastReply } from '../../db/review-page.js';
import { findReview, type QueueItem } from '../../db/reviews.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';
import { assignReview, claimReview, releaseReview } from '../use-cases/claim-review.js';
import { decideReview } from '../use-cases/decide-review.js';
import { notifyContacts } from '../use-cases/notify-contacts.js';
import { replyToTenant } from '../use-cases/reply-to-tenant.js';
import { addReviewNote } from '../use-cases/add-review-note.js';
import { markPresent, othersPresent, PRESENCE_ACTIVITIES, type PresenceActivity } from '../../db/presence.js';
import { redirectWith } from './flash.js';
import { actorOf } from './rules.js';
import type { Csrf } from './csrf.js';
import { nextInView } from '../use-cases/next-in-view.js';
import { queueUrl, toQueueFilter, viewFrom } from './queue-filters.js';
import { isHtmx, renderPage, readerLanguage } from './render.js';
import { inPane, queueContext, reviewPageData, viewOfRequest, type FormEcho, type PanelMessage } from './review-page.js';
import { ALL_STAFF, DECIDERS, requireRole, staffOf } from './session.js';
import { UUID } from '../../domain/ids.js';

/** What an action did, as its message key says it (`review.done.<what>`). */
type Done = 'approved' | 'rejected' | 'claimed' | 'released' | 'assigned' | 'replied' | 'notified';

/** An action's use-case; a decision answers the review as it now stands, so the page after it reads it no more. */
type Action = (deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: 'zh-CN' | 'en') => Promise<QueueItem | void>;

/** The form fields a refused action sends back, so the reviewer does not type them again. */
function echoOf(action: FormEcho['action'], body: unknown, err: HttpError): FormEcho {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) if (typeof v === 'string' && k !== '_csrf' && k !== 'token') values[k] = v;
  const errors: Record<string, string> = {};
  for (const d of err.details) errors[d.path] = d.message;
  return { action, values, errors };
}

export function reviewRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();

  const show = async (req: Request<{ id: string }>, res: Response, message?: PanelMessage, echo?: FormEcho, status = 200, row?: QueueItem) => {
    const data = await reviewPageData(deps, req, res, row ?? req.params.id, message, echo);
    renderPage(req, res, csrf, 'review', req.method === 'GET' && inPane(req) ? 'review-pane' : 'review-update', data, status);
  };

  /** Where "next" leads: the review after this one in the view the reviewer came from, that they can work on. */
  r.get('/reviews/next', requireRole(...ALL_STAFF), async (req, res) => {
    const view = viewFrom(req.query.from);
    const from = queueUrl(view);
    const after = typeof req.query.after === 'string' && UUID.test(req.query.after) ? req.query.after : undefined;
    const me = staffOf(res).id;
    const next = await nextInView(deps, me, toQueueFilter(view, me), after);
    const pane = inPane(req);
    if (!next && pane) {
      renderPage(req, res, csrf, 'queue', 'review-pane-empty', { from });
      return;
    }
    if (!next) {
      res.redirect(303, `${from}${from.includes('?') ? '&' : '?'}empty=1`);
      return;
    }
    res.redirect(303, `/reviews/${next}?from=${encodeURIComponent(from)}${pane ? '&pane=1' : ''}`);
  });

  r.get('/reviews/:id', requireRole(...ALL_STAFF), async (req: Request<{ id: string }>, res) => {
    await show(req, res);
  });

  /**
   * Every action has one shape: run the use-case; with htmx, answer the updated panel and
   * timeline with a message that says what happened; without JavaScript, redirect to the page
   * with the same message as a flash, the view it was opened from kept in the address. A refusal shows beside the form with what was typed.
   */
  const act = (run: Action, echo: FormEcho['action'], done: (body: Record<string, unknown>) => Done) => async (req: Request<{ id: string }>, res: Response) => {
    const id = req.params.id;
    if (!UUID.test(id)) throw notFound('review');
    const staff = staffOf(res);
    const lang = readerLanguage(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    let answered: QueueItem | void;
    try {
      answered = await run(deps, { id: staff.id, name: staff.name, role: staff.role }, id, body, lang);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      const text = err.details.length > 0 && err.status === 422 ? translate(lang, 'form.fixBelow') : err.message;
      await show(req, res, { kind: 'error', text }, echoOf(echo, body, err), err.status);
      return;
    }
    const what = done(body);
    // Other actions leave the review to be read, and only when a page is rendered here.
    const row = answered ?? undefined;
    const told = what === 'approved' || what === 'rejected' ? await contactsToldOfDecision(deps.db, id, row?.round ?? 1) : what === 'replied' ? await contactsToldOfLastReply(deps.db, id) : 0;
    if (!isHtmx(req)) {
      redirectWith(res, `/reviews/${id}?from=${encodeURIComponent(queueContext(req))}`, { kind: 'ok', key: `review.done.${what}`, params: { told: String(told) } });
      return;
    }
    const text = translateWith(lang, `review.done.${what}`, { told: String(told) });
    if (inPane(req) && (what === 'approved' || what === 'rejected')) {
      await showNextInPane(req, res, text);
      return;
    }
    await show(req, res, { kind: 'ok', text }, undefined, 200, row);
  };

  /**
   * Decided beside the queue: the pane moves on to the next review of the view, saying what was
   * done, and the queue beside it is told to refresh (the decided row leaves an open view).
   */
  const showNextInPane = async (req: Request<{ id: string }>, res: Response, doneText: string) => {
    const me = staffOf(res).id;
    const view = viewOfRequest(req);
    const next = await nextInView(deps, me, toQueueFilter(view, me), req.params.id);
    res.set({ 'HX-Retarget': '#review-pane', 'HX-Reswap': 'outerHTML', 'HX-Trigger': 'queue-changed' });
    if (!next) {
      renderPage(req, res, csrf, 'queue', 'review-pane-empty', { from: queueUrl(view), message: { kind: 'ok', text: doneText } });
      return;
    }
    const text = `${doneText} ${translate(readerLanguage(req, res), 'pane.nextOpened')}`;
    renderPage(req, res, csrf, 'review', 'review-pane', await reviewPageData(deps, req, res, next, { kind: 'ok', text }));
  };

  const outcome = (b: Record<string, unknown>): Done => (b.outcome === 'rejected' ? 'rejected' : 'approved');
  r.post('/reviews/:id/decision', requireRole(...DECIDERS), csrf.protect, act(decideReview, 'decision', outcome));
  r.post('/reviews/:id/claim', requireRole(...DECIDERS), csrf.protect, act(claimReview, 'decision', () => 'claimed'));
  r.post('/reviews/:id/release', requireRole(...DECIDERS), csrf.protect, act(releaseReview, 'decision', () => 'released'));
  r.post('/reviews/:id/assign', requireRole('supervisor', 'admin'), csrf.protect, act(assignReview, 'assign', () => 'assigned'));
  r.post('/reviews/:id/reply', requireRole(...DECIDERS), csrf.protect, act(replyToTenant, 'reply', () => 'replied'));
  r.post('/reviews/:id/notify', requireRole(...DECIDERS), csrf.protect, act(notifyContacts, 'notify', () => 'notified'));

  /**
   * The page's heartbeat (htmx, every PRESENCE_HEARTBEAT_SECONDS): records that this member has the review open and what
   * they are doing, and answers who else has it open. Without a script there is no heartbeat.
   */
  r.post('/reviews/:id/presence', requireRole(...ALL_STAFF), csrf.protect, async (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id) || !(await findReview(deps.db, req.params.id))) throw notFound('review');
    if (!isHtmx(req)) {
      res.redirect(303, `/reviews/${req.params.id}`);
      return;
    }
    const said = (req.body as { activity?: unknown } | undefined)?.activity;
    const activity = (PRESENCE_ACTIVITIES as readonly unknown[]).includes(said) ? (said as PresenceActivity) : 'viewing';
    const me = staffOf(res).id;
    await markPresent(deps.db, { reviewId: req.params.id, staffId: me, activity });
    res.set('Cache-Control', 'no-store');
    renderPage(req, res, csrf, 'review', 'review-presence-list', { present: await othersPresent(deps.db, req.params.id, me, deps.presenceHeartbeatSeconds) });
  });

  /** A note for colleagues: back to the review, in the view it was opened from, at the notes; a refusal keeps what was typed. */
  r.post('/reviews/:id/notes', requireRole(...DECIDERS), csrf.protect, async (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id)) throw notFound('review');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const lang = readerLanguage(req, res);
    try {
      const note = await addReviewNote(deps, actorOf(res), req.params.id, body, { ip: req.ip ?? null, lang });
      redirectWith(res, `/reviews/${req.params.id}?from=${encodeURIComponent(queueContext(req))}#note-${note.id}`, { kind: 'ok', key: note.mentioned > 0 ? 'flash.noteAddedMentioned' : 'flash.noteAdded', params: { count: String(note.mentioned) } });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
      await show(req, res, { kind: 'error', text: translate(lang, 'form.fixBelow') }, echoOf('note', body, err), err.status);
    }
  });
  return r;
}
