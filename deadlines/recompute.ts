/**
 * Recomputing open deadlines after a rule or calendar change.
 *
 * How it holds together:
 * - Every change bumps the global rules version (db/rules-version.ts) in its own transaction;
 *   each pending review row records the version its deadline was computed under
 *   (reviews.rules_version). Work left = pending rows with rules_version < target, read through
 *   the index (status, rules_version, id): no cursor to lose, a retried or interrupted page just
 *   finds the same rows again, and a row is never counted done before its new deadline is written.
 * - One page = one SELECT, pure arithmetic, ONE bulk UPDATE ... FROM jsonb_to_recordset($page); the
 *   page's reads and writes are db/deadline-recompute.ts, this file the story. The update is guarded by the
 *   row's round and deadline_version, so a concurrent resubmission, decision or recompute is never
 *   overwritten: such a row is simply picked up again, or has left the pending set).
 * - The rules and calendar are read fresh for every page, AFTER the rules version: rows are labelled
 *   with max(target, version read), which is never newer than the data they were computed with.
 * - Timers: a round's workflow re-reads its row when its timer fires, so a deadline that moved later
 *   needs nothing. One whose next SLA instant (at-risk while on track, due while at risk) moved
 *   earlier gets a `deadlineChanged` signal. Such rows are labelled done only AFTER the signal was
 *   accepted (or the workflow is gone): a crash between the UPDATE and the signal leaves them behind,
 *   and the retried attempt, finding their deadline already written, signals them again (signals
 *   carry the row's deadline_version, so a duplicate is ignored by the workflow).
 * - SLA state: moving back (at risk -> on track) is written in the bulk UPDATE. Moving forward
 *   (the new at-risk or due instant has already passed) goes through markAtRisk/markDeadlineReached,
 *   the same idempotent writers the workflow uses, so the event and the staff notice happen once,
 *   whoever gets there first. Breached is final: the breach was recorded and the round's workflow
 *   stopped watching, so a later deadline does not un-breach it.
 * - Stages after the review: an order in provisioning (status 'provisioning') has a deadline of
 *   its own, counted from when the stage began (reviews.stage_started_at, the approval) under
 *   the kind's fulfilment rule (its rule set's `deadlines.fulfilment`). Such rows are recomputed
 *   in the same passes, after the pending ones of a page, with that rule and that starting point;
 *   the rest (versions, SLA moves, signals to the same workflow, whose provisioning stage listens
 *   for deadlineChanged) is as for review rounds.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { calendarVersion, loadCalendar } from '../db/calendars.js';
import { findReview, type ReviewRow } from '../db/reviews.js';
import { currentRulesVersion, currentVersions } from '../db/rules-version.js';
import { ruleSetsInForce } from '../db/rule-sets.js';
import { labelSignalled, labelUncomputable, readRecomputePage, roundsNotStarted, roundsStarted, signalSoon, writeRecomputedDeadlines, type RecomputedDeadline, type RecomputeFilter, type RecomputeRow } from '../db/deadline-recompute.js';
import { planDeadline, type PlannedDeadline } from '../domain/deadline-plan.js';
import { DEFAULT_AT_RISK_SHARE } from '../domain/rule-set.js';
import { defaultCalendarSpec } from '../domain/holidays-cn.js';
import { REVIEW_KINDS } from '../domain/kinds/index.js';
import { DEFAULT_REMINDER_POLICY } from '../domain/reminder-policy.js';
import { computeDueAt, createCalendar, validateDeadlineRule, type DeadlineRule, type WorkingCalendar } from '../domain/working-time.js';
import type { Logger } from '../runtime/logger.js';
import type { Deadline } from '../workflows/messages.js';
import { markAtRisk, markDeadlineReached, markStageSla } from './sla-steps.js';
import { mapLimit, signalDeadline, SIGNAL_CONCURRENCY, SIGNAL_HORIZON_MS } from './signal-rounds.js';

export interface RecomputePageArgs {
  /** Bring pending rows up to (at least) this rules version. */
  targetVersion: number;
  /** Rows per page. */
  limit: number;
}

export interface RecomputePageResult {
  /** Pending rows read for this page. */
  processed: number;
  /** Rows whose due or at-risk instant changed (their deadline_version was bumped). */
  moved: number;
  /** deadlineChanged signals accepted by Temporal. */
  signalled: number;
  /** Rows whose timer moved earlier but not soon: left to the deadline signaller. */
  deferred: number;
  /** Nothing is left behind the target: this page was short and wrote every row it read. */
  done: boolean;
  /** The version the rows were labelled with: max(target, the version current when the page started). */
  version: number;
  /** Milliseconds spent per phase: read (rules, calendar, rows), compute, write (bulk update), sla (markers), signal. */
  ms: { read: number; compute: number; write: number; sla: number; signal: number };
}

/** Remembers the last calendar built, by its stored version: rebuilt whenever the version moves. */
export interface CalendarMemo {
  current?: { version: number; calendar: WorkingCalendar };
}

export interface RecomputeDeps {
  db: Db;
  log?: Logger;
  /** Signals the rounds whose timers must fire earlier. Without it (a benchmark, a round not started yet) nothing is signalled. */
  temporal?: Client;
  calendarMemo?: CalendarMemo;
  heartbeat?: (details?: unknown) => void;
  /** The activity attempt (1 = first). A retry re-signals rows an earlier attempt may have written but not signalled. */
  attempt?: number;
  now?: () => Date;
  /** Concurrent signals in flight (default 32). */
  signalConcurrency?: number;
  /**
   * A round whose row is committed but whose workflow start is not confirmed yet (the submitter
   * is between commit and start) answers "not found": wait this long for the start, then signal
   * again (default 10 s). A start lost for longer is done by the sweeper from the row, which
   * already holds the new deadline.
   */
  startWaitMs?: number;
}

interface DeadlineContext {
  version: number;
  /** By kind for its review rounds, `<kind>:fulfilment` for the stage after approval. */
  rules: Map<string, { rule: DeadlineRule; atRiskShare: number; answerWithin: DeadlineRule }>;
  calendar: WorkingCalendar;
}

/**
 * The current rules version, then (never older than it) the deadline rules and the stored
 * calendar. The calendar is read from the database, not from the web processes' cache.
 */
async function loadDeadlineContext(deps: RecomputeDeps): Promise<DeadlineContext> {
  const { db } = deps;
  const version = await currentRulesVersion(db);
  const rules: DeadlineContext['rules'] = new Map();
  const sets = await ruleSetsInForce(db);
  for (const kind of REVIEW_KINDS) {
    const { deadlines, atRiskShare, reminders } = sets[kind].rules;
    rules.set(kind, { rule: deadlines.review, atRiskShare, answerWithin: reminders.answerWithin });
    if (deadlines.fulfilment) rules.set(`${kind}:fulfilment`, { rule: deadlines.fulfilment, atRiskShare, answerWithin: reminders.answerWithin });
  }
  const memo = deps.calendarMemo ?? {};
  const stored = await calendarVersion(db);
  let calendar: WorkingCalendar;
  if (stored === undefined) {
    calendar = createCalendar(defaultCalendarSpec());
  } else if (memo.current && memo.current.version === stored) {
    calendar = memo.current.calendar;
  } else {
    const loaded = await loadCalendar(db);
    if (!loaded) throw new Error('the working calendar vanished while loading it');
    calendar = createCalendar(loaded.spec);
    memo.current = { version: loaded.version, calendar };
  }
  return { version, rules, calendar };
}


interface PlannedRow extends RecomputedDeadline {
  workflowId: string;
  /** Forward move to record with its event and notice. */
  forward: 'at_risk' | 'breached' | null;
  /** An open reminder must now be answered at another time: the round is told to read its reminders again. */
  reminderMoved: boolean;
}

type PageRow = RecomputeRow;

function plan(row: PageRow, ctx: DeadlineContext, now: number, retry: boolean, log?: Logger): PlannedRow | null {
  const provisioning = row.status === 'provisioning';
  let inForce = ctx.rules.get(provisioning ? `${row.kind}:fulfilment` : row.kind);
  try {
    inForce ??= { rule: validateDeadlineRule(row.dueRule), atRiskShare: DEFAULT_AT_RISK_SHARE, answerWithin: DEFAULT_REMINDER_POLICY.answerWithin };
  } catch {
    // An unknown kind with an unreadable rule: nothing to compute it with.
  }
  if (!inForce) {
    log?.error({ reviewId: row.id, kind: row.kind }, 'no deadline rule for this review; keeping its deadline');
    return null;
  }
  let p: PlannedDeadline;
  try {
    // A stage's deadline counts from when the stage began; a review round's from its submission.
    const from = provisioning ? (row.stageStartedAt ?? row.submittedAt) : row.submittedAt;
    p = planDeadline({ ...row, submittedAt: from }, inForce.rule, inForce.atRiskShare, ctx.calendar, now);
  } catch (err) {
    log?.error({ err, reviewId: row.id }, 'cannot compute this review deadline; keeping it');
    return null;
  }
  const { moved, forward, earlier, nextInstant: after } = p;
  const reminderMoved = !provisioning && reminderAnswerMoved(row, inForce.answerWithin, ctx.calendar);
  // On a retry, a row whose deadline is already what we compute may have been written by the failed attempt and not signalled yet.
  const maybeUnsignalled = retry && !moved && row.slaState !== 'breached';
  const defer = earlier && forward === null && !maybeUnsignalled && after !== null && after - now > SIGNAL_HORIZON_MS;
  return {
    id: row.id,
    status: provisioning ? 'provisioning' : 'pending',
    round: row.round,
    workflowId: row.workflowId,
    oldVersion: row.deadlineVersion,
    dueAt: p.dueAt,
    atRiskAt: p.atRiskAt,
    rule: inForce.rule,
    writeState: forward ? null : p.next,
    forward,
    moved,
    hold: (earlier && !defer) || forward !== null || maybeUnsignalled || reminderMoved,
    signalBy: defer && after !== null ? new Date(after) : null,
    reminderMoved,
  };
}

/** An unanswered reminder whose answer time the rules in force put elsewhere (the round's workflow writes the new one). */
function reminderAnswerMoved(row: PageRow, answerWithin: DeadlineRule, calendar: WorkingCalendar): boolean {
  if (!row.reminderAnswerDueAt || !row.reminderLastAt) return false;
  try {
    return computeDueAt(row.reminderLastAt, answerWithin, calendar).getTime() !== row.reminderAnswerDueAt.getTime();
  } catch {
    return false;
  }
}

/**
 * One page of the recompute: up to `limit` pending rows behind the target version get their
 * deadline, at-risk instant, rule and SLA state recomputed from their submission time under the
 * current rules and calendar. Idempotent: running it again (a retry, a second worker) finds only
 * rows still behind and writes the same values.
 */
export async function recomputePage(deps: RecomputeDeps, args: RecomputePageArgs): Promise<RecomputePageResult> {
  return recomputeRows(deps, args, {});
}

type RowFilter = RecomputeFilter;

async function recomputeRows(deps: RecomputeDeps, args: RecomputePageArgs, filter: RowFilter): Promise<RecomputePageResult> {
  const { db } = deps;
  const heartbeat = deps.heartbeat ?? (() => undefined);
  const ms = { read: 0, compute: 0, write: 0, sla: 0, signal: 0 };
  let t = performance.now();
  const lap = (phase: keyof typeof ms) => {
    const n = performance.now();
    ms[phase] += n - t;
    t = n;
  };

  const ctx = await loadDeadlineContext(deps);
  const label = Math.max(args.targetVersion, ctx.version);
  const limit = Math.max(1, Math.floor(args.limit));
  const rows = await readRecomputePage(db, label, limit, filter);
  lap('read');

  const now = (deps.now?.() ?? new Date()).getTime();
  const retry = (deps.attempt ?? 1) > 1;
  const planned: PlannedRow[] = [];
  const unplannable: PageRow[] = [];
  for (const row of rows) {
    const p = plan(row, ctx, now, retry, deps.log);
    if (p) planned.push(p);
    else unplannable.push(row);
  }
  lap('compute');

  const written = await writeRecomputedDeadlines(db, planned, label, !!filter.force);
  // Nothing to compute them with: labelled so the recompute does not spin on them (logged above).
  await labelUncomputable(db, unplannable.map((r) => r.id), label);
  lap('write');
  heartbeat({ label, written: written.size });

  // Rows a concurrent writer changed meanwhile were not written: they are read again on a later page (or left the pending set).
  const held = planned.filter((p) => p.hold && written.has(p.id));
  for (const p of held) {
    if (!p.forward) continue;
    const args = { reviewId: p.id, round: p.round, dueAt: p.dueAt.toISOString() };
    if (p.status === 'provisioning') await markStageSla(db, { ...args, to: p.forward, stage: 'fulfilment' });
    else if (p.forward === 'at_risk') await markAtRisk(db, args);
    else await markDeadlineReached(db, args);
  }
  lap('sla');

  let signalled = 0;
  if (held.length > 0 && deps.temporal) {
    signalled = await signalRounds(deps, held.map((p) => ({ p, deadline: { dueAt: p.dueAt.toISOString(), atRiskAt: p.atRiskAt.toISOString(), version: written.get(p.id)! } })));
  } else if (held.length > 0 && !deps.temporal && !filter.onlyId) {
    deps.log?.warn({ rows: held.length }, 'recompute has no Temporal client: rounds whose deadline moved earlier were not signalled');
  }
  lap('signal');

  if (held.length > 0) {
    await labelSignalled(db, held.map((p) => ({ id: p.id, round: p.round, deadlineVersion: written.get(p.id)! })), label);
    lap('write');
  }

  return {
    processed: rows.length,
    moved: planned.filter((p) => p.moved && written.has(p.id)).length,
    signalled,
    deferred: planned.filter((p) => p.signalBy && written.has(p.id)).length,
    // A short page is the last, unless a row was skipped because someone wrote it meanwhile: then look once more.
    done: rows.length < limit && written.size + unplannable.length === rows.length,
    version: label,
    ms: { read: Math.round(ms.read), compute: Math.round(ms.compute), write: Math.round(ms.write), sla: Math.round(ms.sla), signal: Math.round(ms.signal) },
  };
}

/** Signals each round with bounded concurrency; rounds that are gone are fine, rounds not started yet are waited for briefly. */
async function signalRounds(deps: RecomputeDeps, items: { p: PlannedRow; deadline: Deadline }[]): Promise<number> {
  const client = deps.temporal!;
  const heartbeat = deps.heartbeat ?? (() => undefined);
  let signalled = 0;
  const notFound: typeof items = [];
  const send = async (item: (typeof items)[number]): Promise<boolean> => {
    const told = await signalDeadline(client, item.p.workflowId, item.deadline, { reminderMoved: item.p.reminderMoved });
    if (told) signalled += 1;
    return told;
  };
  await mapLimit(items, deps.signalConcurrency ?? SIGNAL_CONCURRENCY, async (item) => {
    if (!(await send(item))) notFound.push(item);
  });
  heartbeat({ signalled });

  if (notFound.length === 0) return signalled;
  // Not found: decided and closed meanwhile (fine), or committed but not started yet (wait for the start, then signal).
  const unstarted = new Set(await roundsNotStarted(deps.db, notFound.map((i) => i.p.id)));
  const waiting = new Map(notFound.filter((i) => unstarted.has(i.p.id)).map((i) => [i.p.id, i]));
  const until = Date.now() + (deps.startWaitMs ?? 10_000);
  while (waiting.size > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    heartbeat({ signalled, waitingForStart: waiting.size });
    const started = await roundsStarted(deps.db, [...waiting.keys()]);
    for (const s of started) {
      const item = waiting.get(s.id);
      waiting.delete(s.id);
      if (item && s.status === 'pending' && s.round === item.p.round) await send(item);
    }
  }
  if (waiting.size > 0) deps.log?.warn({ reviewIds: [...waiting.keys()] }, 'rounds still not started after waiting; the sweeper starts them with the recomputed deadline');
  return signalled;
}

/**
 * Closes the race between a submission and a rule or calendar change.
 *
 * A submission reads the versions (currentVersions) BEFORE it reads the rule and the calendar,
 * computes its deadline, and commits the row labelled with that rules version V. A change that
 * commits version V+1 after that read may start its recompute pass before the row commits: the
 * pass does not see the row and would miss it. So, after committing, the submitter reads the
 * versions again: in the statement that marks its round started (which begins after the commit),
 * or on their own when Temporal is away and the round is left for the sweeper. Unchanged: any
 * later change's pass starts after this moment and finds the committed row behind. Changed (or the
 * calendar the web process had cached was older than the stored one): the submitter recomputes
 * this one row itself, under fresh rules and calendar. A round left for the sweeper is recomputed
 * before anything starts it, so it starts with the right deadline; a round already started is told
 * of a timer that moved earlier, as every open round is after a change. A pass that does see the
 * row meanwhile is harmless: both write the same values, guarded by deadline_version.
 */
export async function recomputeIfRulesMoved(
  db: Db,
  row: ReviewRow,
  used: { rules: number; calendar: number },
  log?: Logger,
): Promise<ReviewRow> {
  const now = await currentVersions(db);
  if (now.rules === used.rules && now.calendar === used.calendar) return row;
  await recomputeRows({ db, log }, { targetVersion: now.rules, limit: 1 }, { onlyId: row.id, force: true });
  const fresh = await findReview(db, row.id);
  return fresh && fresh.round === row.round ? fresh : row;
}

/**
 * The same check for a round intake has already started, with the versions its started mark read.
 * That statement began after the row's commit, so the argument above holds for it. A change that
 * raced the commit is recomputed here and the running round is told of a timer that moved earlier,
 * as the change's own pass would have told it. Should that fail (Temporal went away right after the
 * start), the row is left to the deadline signaller, which tells the round within its next sweep: the
 * submission's answer does not depend on it.
 */
export async function recomputeStartedIfRulesMoved(
  deps: { db: Db; log: Logger; temporal: Client },
  row: ReviewRow,
  used: { rules: number; calendar: number },
  now: { rules: number; calendar: number },
): Promise<ReviewRow> {
  if (now.rules === used.rules && now.calendar === used.calendar) return row;
  try {
    await recomputeRows(deps, { targetVersion: now.rules, limit: 1 }, { onlyId: row.id, force: true });
  } catch (err) {
    deps.log.warn({ err, reviewId: row.id }, 'a started round whose deadline a rule change moved could not be told; the deadline signaller tells it');
    // The submission is committed and started: its 201 stands even if this hand-over fails too.
    await signalSoon(deps.db, row.id, row.round).catch((e: unknown) => deps.log.error({ err: e, reviewId: row.id }, 'could not hand a moved deadline to the deadline signaller'));
  }
  const fresh = await findReview(deps.db, row.id);
  return fresh && fresh.round === row.round ? fresh : row;
}

