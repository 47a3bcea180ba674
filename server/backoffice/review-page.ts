import type { QueueItem } from '../../db/reviews.js';
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { listContacts } from '../../db/contacts.js';
import { findReviewForStaff, listReviewEvents } from '../../db/reviews.js';
import { noticesOfReview, otherReviewsOfTenant, snapshotsByRound, staffName } from '../../db/review-page.js';
import { listDeciders } from '../../db/staff.js';
import { filesOfSubject } from '../../db/stored-files.js';
import { storeOf } from '../../db/subjects/index.js';
import { KINDS } from '../../domain/kinds/index.js';
import { findActiveReasons, findRejectionReason } from '../../db/rules.js';
import { canDecide, currentHolder, isOpenStatus, mayAssign, type ReviewKind } from '../../domain/review.js';
import { diffSnapshots } from '../../domain/snapshot-diff.js';
import { timeLeft } from '../../domain/time-left.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { translate } from '../../i18n/index.js';
import { timeLeftText } from '../../i18n/time-left-text.js';
import { staffOf } from './session.js';
import { acceptedDeclarations } from '../use-cases/declarations.js';
import { deadlineExplanation } from '../../i18n/deadline-text.js';
import { buildTimeline } from './timeline.js';
import { listReviewNotes } from '../../db/review-notes.js';
import { othersPresent } from '../../db/presence.js';
import { NOTE_MAX } from '../use-cases/add-review-note.js';
import { isHtmx, readerLanguage } from './render.js';
import { UUID } from '../../domain/ids.js';
import { placeInQueue } from '../../db/queue.js';
import { MAX_SHOWN, queueUrl, toQueueFilter, viewFrom, type QueueQuery } from './queue-filters.js';
import { QUEUE_PAGE_SIZE } from './queue.js';


export interface PanelMessage {
  kind: 'ok' | 'error';
  text: string;
}

/** What the reviewer had typed in a form that was refused, so it comes back as it was. */
export interface FormEcho {
  action: 'decision' | 'reply' | 'notify' | 'assign' | 'note';
  values: Record<string, string>;
  errors: Record<string, string>;
}


/** Asked for the review beside the queue (the split view), not as a page of its own. */
export const inPane = (req: Request) => isHtmx(req) && (req.query.pane === '1' || (req.body as { pane?: unknown } | undefined)?.pane === '1');

/** The view a reviewer came from (for "back" and "next"), as the form or the link carried it. */
export function viewOfRequest(req: Request): QueueQuery {
  return viewFrom(typeof req.query.from === 'string' ? req.query.from : (req.body as { from?: unknown } | undefined)?.from);
}

/** The queue a reviewer came from, always one of our own queue URLs with only known filters. */
export function queueContext(req: Request): string {
  return queueUrl(viewOfRequest(req));
}

/**
 * "Back to the queue": the view at this review's row. The row is anchored, and when it is further
 * down than the first page the queue is asked to show that many rows, so the anchor is there.
 */
async function backToView(deps: AppDeps, view: QueueQuery, viewerId: string, review: QueueItem): Promise<string> {
  const place = await placeInQueue(deps.db, { ...toQueueFilter(view, viewerId), claimIdleMinutes: deps.claimIdleMinutes }, review);
  const rows = place ? place.before + 1 : 0;
  const shown = rows > QUEUE_PAGE_SIZE ? String(Math.min(rows, MAX_SHOWN)) : undefined;
  return `${queueUrl(view, { shown })}#r-${review.id}`;
}

/**
 * Everything the review page shows, for this viewer, with what they may do. `subjectForm` is what a
 * form in the kind's partial showed when it was refused (as typed, what is wrong), given to it as `form`.
 */
export async function reviewPageData(deps: AppDeps, req: Request, res: Response, idOrRow: string | QueueItem, message?: PanelMessage, echo?: FormEcho, subjectForm?: object) {
  // An action hands over the review as it answered it: the page after it reads the row no more.
  const id = typeof idOrRow === 'string' ? idOrRow : idOrRow.id;
  if (!UUID.test(id)) throw notFound('review');
  const review = typeof idOrRow === 'string' ? await findReviewForStaff(deps.db, id) : idOrRow;
  if (!review) throw notFound('review');
  const viewer = staffOf(res);
  const view = viewOfRequest(req);
  const lang = readerLanguage(req, res);
  const kind = review.kind as ReviewKind;
  const def = KINDS[kind];
  const [events, files, tenantContacts, notices, others, snapshots, decidedByName, cal, notes] = await Promise.all([
    listReviewEvents(deps.db, id),
    filesOfSubject(deps.db, kind, review.subjectId),
    listContacts(deps.db, review.tenantId),
    noticesOfReview(deps.db, id),
    otherReviewsOfTenant(deps.db, review.tenantId, id),
    snapshotsByRound(deps.db, id),
    staffName(deps.db, review.decidedBy),
    deps.calendar(),
    listReviewNotes(deps.db, id),
  ]);
  const present = await othersPresent(deps.db, id, viewer.id, deps.presenceHeartbeatSeconds);
  const now = deps.now();
  const open = isOpenStatus(review.status);
  const holderId = currentHolder(review.assigneeId, review.assignedAt, deps.claimIdleMinutes, now.getTime());
  const heldByOther = holderId !== null && holderId !== viewer.id;
  const decider = canDecide(viewer.role);
  const supervisor = mayAssign(viewer.role);
  const left = open ? timeLeft(now, review.dueAt, cal.calendar) : undefined;

  // Each round's content is the earlier rounds' content with that round's fields laid over it;
  // the page shows what this round changed.
  const rounds = [...snapshots.keys()].sort((a, b) => a - b);
  let before: Record<string, unknown> = {};
  for (const round of rounds) if (round < review.round) before = { ...before, ...snapshots.get(round) };
  const thisRound = snapshots.get(review.round);
  const changes =
    thisRound && rounds.some((r) => r < review.round)
      ? diffSnapshots(before, thisRound).map((c) => ({ ...c, label: translate(lang, `field.${c.path.split('.')[0]}`) }))
      : null;

  const reason = review.decisionReasonCode ? await findRejectionReason(deps.db, kind, review.decisionReasonCode) : undefined;
  // Reasons named in the timeline, retired ones included, worded as the tenant read them.
  const codes = [...new Set(events.map((e) => (e.data as { reasonCode?: unknown }).reasonCode).filter((c): c is string => typeof c === 'string'))];
  const labels = new Map<string, string>();
  for (const code of codes) labels.set(code, (await findRejectionReason(deps.db, kind, code))?.tenant[lang] ?? code);
  const activeReasons = await findActiveReasons(deps.db, kind);
  // Some reasons are worded from what was measured (an audio file's format), per reader.
  const worded = review.decisionOutcome ? await storeOf(kind).reasonWording?.(deps.db, review.subjectId, review.decisionReasonCode) : undefined;
  return {
    title: review.title,
    review,
    presenceHeartbeatSeconds: deps.presenceHeartbeatSeconds,
    def,
    subject: subjectForm ? { ...(await storeOf(kind).staffView(deps, review, files)), form: subjectForm } : await storeOf(kind).staffView(deps, review, files),
    subjectPartial: `subjects/${kind}`,
    declarations: def.declaration ? await acceptedDeclarations(deps.db, review.id) : null,
    timeline: buildTimeline(events, notices, lang, (code) => labels.get(code), worded ? { code: review.decisionReasonCode, text: worded } : undefined, notes),
    // A stage after the review (provisioning) counts its deadline from when it began.
    explanation: deadlineExplanation(review, cal, lang),
    timeLeft: left ? timeLeftText(left, lang) : null,
    tone: !left ? 'done' : left.overdue ? 'breached' : review.slaState,
    decision: review.decidedAt
      ? { outcome: review.decisionOutcome, by: decidedByName ?? translate(lang, 'event.automatic'), at: review.decidedAt, reason: reason?.tenant[lang] ?? review.decisionReasonCode, reasonText: worded?.[lang] ?? review.decisionReasonText }
      : null,
    reasons: activeReasons.map((x) => ({ code: x.code, text: x.staff[lang], tenantText: x.tenant[lang], requiresText: x.requiresText, checked: echo?.values.reasonCode === x.code })),
    holder: holderId ? { name: review.assigneeName, since: review.assignedAt, isMe: holderId === viewer.id } : null,
    lapsedHolder: !holderId && review.assigneeId ? review.assigneeName : null,
    heldByOther,
    canDecide: decider && open && review.status === 'pending' && (!heldByOther || supervisor),
    // Whole ID numbers are for those who judge them; an auditor reads the masked form.
    readsIdNumbers: decider,
    canClaim: decider && open && holderId !== viewer.id && (!heldByOther || supervisor),
    canRelease: open && holderId !== null && (holderId === viewer.id || supervisor),
    canAssign: open && supervisor,
    canReply: decider && open && review.reminderAnswerDueAt !== null && (!heldByOther || supervisor),
    canNotify: decider,
    canNote: decider,
    present,
    noteMax: NOTE_MAX,
    readOnly: !decider,
    deciders: supervisor && open ? await listDeciders(deps.db) : [],
    contacts: tenantContacts,
    others,
    changes,
    token: randomBytes(18).toString('base64url'),
    from: queueUrl(view),
    backUrl: await backToView(deps, view, viewer.id, review),
    // Shown beside the queue: the panel's forms say so, and a decision moves the pane on.
    pane: inPane(req),
    message,
    echo,
  };
}
