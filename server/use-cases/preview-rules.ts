import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loadCalendar } from '../../db/calendars.js';
import { findRuleSetVersion, ruleSetInForce, ruleSetsInForce } from '../../db/rule-sets.js';
import { reviews } from '../../db/schema.js';
import { planDeadline, type PlannedDeadline } from '../../domain/deadline-plan.js';
import { defaultCalendarSpec } from '../../domain/holidays-cn.js';
import { keepRetiredReasons, type ReasonEntry, type RuleChange, type RuleSet } from '../../domain/rule-set.js';
import { type Actor, type ReviewKind, type SlaState } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import { computeDueAt, createCalendar, type DeadlineRule, type WorkingCalendar } from '../../domain/working-time.js';
import { notFound } from '../errors.js';
import { proposedCalendar, type CalendarRestatement } from './change-calendar.js';
import { requireAdmin, type RuleChangeDeps } from './rule-change.js';
import { ruleSetDiff } from './rule-history.js';
import { checkRuleSet } from './save-rule-set.js';

export interface ImpactSample {
  id: string;
  kind: string;
  title: string;
  dueBefore: Date;
  dueAfter: Date;
  slaBefore: SlaState;
  slaAfter: SlaState;
}

/** What a change would do to open reviews, counted with the recompute's own arithmetic. */
export interface DeadlineImpact {
  /** Open (pending) reviews looked at. */
  open: number;
  earlier: number;
  later: number;
  unchanged: number;
  /** Would be recorded at risk at once. */
  atRisk: number;
  /** Would be recorded breached at once. */
  breached: number;
  /** At risk now, on track again. */
  backOnTrack: number;
  /** Unanswered reminders that would have to be answered at another time. */
  remindersMoved: number;
  /** How many reviews the change moves (deadline or SLA state). */
  moved: number;
  /** One page of them, earliest new deadline first: every moved review is on some page. */
  page: { items: ImpactSample[]; number: number; pages: number; size: number };
  at: Date;
}

export const IMPACT_PAGE_SIZE = 20;

/** A page number as asked for (a query string's text, a number), kept within 1 and `pages`. */
export function pageNumber(value: unknown, pages: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.min(Math.max(1, n), Math.max(1, pages));
}
const PAGE = 5000;

async function storedCalendar(db: Db): Promise<WorkingCalendar> {
  const stored = await loadCalendar(db);
  return createCalendar(stored?.spec ?? defaultCalendarSpec());
}

/**
 * Plans every open review of `kinds` under `rules` and `calendar` at `now`, as one recompute page
 * would, and counts the outcomes. Reads in pages by id; writes nothing.
 */
export async function deadlineImpact(
  db: Db,
  kinds: readonly ReviewKind[],
  rules: (kind: ReviewKind) => { rule: DeadlineRule; atRiskShare: number; answerWithin: DeadlineRule },
  calendar: WorkingCalendar,
  now: Date,
  page: unknown = 1,
): Promise<DeadlineImpact> {
  const impact: DeadlineImpact = { open: 0, earlier: 0, later: 0, unchanged: 0, atRisk: 0, breached: 0, backOnTrack: 0, remindersMoved: 0, moved: 0, page: { items: [], number: 1, pages: 1, size: IMPACT_PAGE_SIZE }, at: now };
  const moved: ImpactSample[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await db
      .select({
        id: reviews.id,
        kind: reviews.kind,
        title: reviews.title,
        submittedAt: reviews.submittedAt,
        dueAt: reviews.dueAt,
        atRiskAt: reviews.atRiskAt,
        slaState: reviews.slaState,
        reminderLastAt: reviews.reminderLastAt,
        reminderAnswerDueAt: reviews.reminderAnswerDueAt,
      })
      .from(reviews)
      .where(and(eq(reviews.status, 'pending'), inArray(reviews.kind, [...kinds]), after ? gt(reviews.id, after) : undefined))
      .orderBy(asc(reviews.id))
      .limit(PAGE);
    for (const row of rows) {
      const { rule, atRiskShare, answerWithin } = rules(row.kind as ReviewKind);
      let p: PlannedDeadline;
      try {
        p = planDeadline(row, rule, atRiskShare, calendar, now.getTime());
        if (row.reminderAnswerDueAt && row.reminderLastAt && computeDueAt(row.reminderLastAt, answerWithin, calendar).getTime() !== row.reminderAnswerDueAt.getTime()) impact.remindersMoved += 1;
      } catch {
        continue; // The recompute keeps such a deadline as it is too.
      }
      impact.open += 1;
      const d = p.dueAt.getTime() - row.dueAt.getTime();
      if (d < 0) impact.earlier += 1;
      else if (d > 0) impact.later += 1;
      else impact.unchanged += 1;
      if (p.forward === 'at_risk') impact.atRisk += 1;
      if (p.forward === 'breached') impact.breached += 1;
      if (row.slaState === 'at_risk' && p.next === 'on_track') impact.backOnTrack += 1;
      if (d !== 0 || p.forward) moved.push({ id: row.id, kind: row.kind, title: row.title, dueBefore: row.dueAt, dueAfter: p.dueAt, slaBefore: row.slaState, slaAfter: p.next });
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  // Ties broken by id, so a page asked for again lists the same reviews.
  moved.sort((a, b) => a.dueAfter.getTime() - b.dueAfter.getTime() || a.id.localeCompare(b.id));
  const pages = Math.max(1, Math.ceil(moved.length / IMPACT_PAGE_SIZE));
  const number = pageNumber(page, pages);
  impact.moved = moved.length;
  impact.page = { items: moved.slice((number - 1) * IMPACT_PAGE_SIZE, number * IMPACT_PAGE_SIZE), number, pages, size: IMPACT_PAGE_SIZE };
  return impact;
}

/** What saving a rule set would change, rule by rule, and what it would do to the kind's open reviews. */
export interface RuleSetPreview {
  rules: RuleSet;
  /** In force → candidate. */
  changes: RuleChange[];
  /** Every reason either side names, so a change of reasons can be worded. */
  reasons: ReasonEntry[];
  impact: DeadlineImpact;
}

async function ruleSetPreview(db: Db, kind: ReviewKind, candidate: RuleSet, inForce: RuleSet, page: unknown, now: Date): Promise<RuleSetPreview> {
  const rules = keepRetiredReasons(candidate, inForce);
  const impact = await deadlineImpact(db, [kind], () => ({ rule: rules.deadlines.review, atRiskShare: rules.atRiskShare, answerWithin: rules.reminders.answerWithin }), await storedCalendar(db), now, page);
  return { rules, ...ruleSetDiff(inForce, rules, false), impact };
}

/** The effect of saving `candidate` as the kind's rule set, on its open reviews. */
export async function previewRuleSet(deps: Pick<RuleChangeDeps, 'db'>, actor: Actor, kind: ReviewKind, candidate: unknown, opts: { page?: unknown; now?: Date } = {}): Promise<RuleSetPreview> {
  requireAdmin(actor, 'review rules');
  const checked = checkRuleSet(kind, candidate);
  const inForce = await ruleSetInForce(deps.db, kind);
  return ruleSetPreview(deps.db, kind, checked, inForce.rules, opts.page, opts.now ?? new Date());
}

/** The effect of putting an earlier version back in force. */
export async function previewRestore(deps: Pick<RuleChangeDeps, 'db'>, actor: Actor, kind: ReviewKind, version: number, opts: { page?: unknown; now?: Date } = {}): Promise<RuleSetPreview> {
  requireAdmin(actor, 'review rules');
  const v = await findRuleSetVersion(deps.db, kind, version);
  if (!v) throw notFound('rule set version');
  const inForce = await ruleSetInForce(deps.db, kind);
  return ruleSetPreview(deps.db, kind, v.rules, inForce.rules, opts.page, opts.now ?? new Date());
}

/** What a calendar change would change (each day, the window) and what it would do to every open review. */
export interface CalendarPreview {
  change: CalendarRestatement;
  impact: DeadlineImpact;
}

/** The effect of an admin's calendar change on every open review. */
export async function previewCalendar(deps: Pick<RuleChangeDeps, 'db'>, actor: Actor, change: unknown, opts: { page?: unknown; now?: Date } = {}): Promise<CalendarPreview> {
  const { spec, restated } = await proposedCalendar(deps, actor, change);
  const sets = await ruleSetsInForce(deps.db);
  const impact = await deadlineImpact(deps.db, REVIEW_KINDS, (k) => ({ rule: sets[k].rules.deadlines.review, atRiskShare: sets[k].rules.atRiskShare, answerWithin: sets[k].rules.reminders.answerWithin }), createCalendar(spec), opts.now ?? new Date(), opts.page);
  return { change: restated, impact };
}
