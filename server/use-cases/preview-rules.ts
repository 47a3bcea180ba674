import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { loadCalendar } from '../../db/calendars.js';
import { ruleSetsInForce } from '../../db/rule-sets.js';
import { reviews } from '../../db/schema.js';
import { planDeadline, type PlannedDeadline } from '../../domain/deadline-plan.js';
import { defaultCalendarSpec } from '../../domain/holidays-cn.js';
import type { RuleSet } from '../../domain/rule-set.js';
import { REVIEW_KINDS, type Actor, type ReviewKind, type SlaState } from '../../domain/review.js';
import { computeDueAt, createCalendar, type DeadlineRule, type WorkingCalendar } from '../../domain/working-time.js';
import { proposedCalendar } from './change-calendar.js';
import { requireAdmin, type RuleChangeDeps } from './rule-change.js';
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
  /** Up to SAMPLE_SIZE reviews whose deadline moves, earliest new deadline first. */
  sample: ImpactSample[];
  at: Date;
}

export const SAMPLE_SIZE = 10;
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
): Promise<DeadlineImpact> {
  const impact: DeadlineImpact = { open: 0, earlier: 0, later: 0, unchanged: 0, atRisk: 0, breached: 0, backOnTrack: 0, remindersMoved: 0, sample: [], at: now };
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
      if (moved.length > SAMPLE_SIZE * 20) {
        moved.sort((a, b) => a.dueAfter.getTime() - b.dueAfter.getTime());
        moved.length = SAMPLE_SIZE;
      }
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  impact.sample = moved.sort((a, b) => a.dueAfter.getTime() - b.dueAfter.getTime()).slice(0, SAMPLE_SIZE);
  return impact;
}

/** The effect of saving `candidate` as the kind's rule set, on its open reviews. */
export async function previewRuleSet(deps: Pick<RuleChangeDeps, 'db'>, actor: Actor, kind: ReviewKind, candidate: unknown, now = new Date()): Promise<{ rules: RuleSet; impact: DeadlineImpact }> {
  requireAdmin(actor, 'review rules');
  const rules = checkRuleSet(kind, candidate);
  const impact = await deadlineImpact(deps.db, [kind], () => ({ rule: rules.deadlines.review, atRiskShare: rules.atRiskShare, answerWithin: rules.reminders.answerWithin }), await storedCalendar(deps.db), now);
  return { rules, impact };
}

/** The effect of an admin's calendar change on every open review. */
export async function previewCalendar(deps: Pick<RuleChangeDeps, 'db'>, actor: Actor, change: unknown, now = new Date()): Promise<DeadlineImpact> {
  const { spec } = await proposedCalendar(deps, actor, change);
  const sets = await ruleSetsInForce(deps.db);
  return deadlineImpact(deps.db, REVIEW_KINDS, (k) => ({ rule: sets[k].rules.deadlines.review, atRiskShare: sets[k].rules.atRiskShare, answerWithin: sets[k].rules.reminders.answerWithin }), createCalendar(spec), now);
}
