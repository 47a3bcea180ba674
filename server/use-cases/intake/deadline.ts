import { versionsAndRuleSet } from '../../../db/rules-version.js';
import type { RuleSet } from '../../../domain/rule-set.js';
import type { ReviewKind } from '../../../domain/review.js';
import { atRiskAt, computeDueAt, type DeadlineRule } from '../../../domain/working-time.js';
import type { AppDeps } from '../../deps.js';

export interface RoundDeadline {
  rule: DeadlineRule;
  dueAt: Date;
  riskAt: Date;
  /** What it was computed under: a change committed meanwhile is caught by recomputeIfRulesMoved. */
  versions: { rules: number; calendar: number };
  /** The kind's rule set in force, read with the versions: the rest of intake asks it, not the database again. */
  rules: RuleSet;
}

/**
 * A new round's deadline and at-risk instant from the kind's rule set in force and the working calendar. Versions are
 * read first, so the row is labelled with a rules version never newer than what its deadline used.
 */
export async function roundDeadline(deps: Pick<AppDeps, 'db' | 'calendar'>, kind: ReviewKind, submittedAt: Date): Promise<RoundDeadline> {
  const versions = await versionsAndRuleSet(deps.db, kind);
  const rules = versions.ruleSet.rules;
  const rule = rules.deadlines.review;
  const { calendar, version: calendarVersion } = await deps.calendar();
  const dueAt = computeDueAt(submittedAt, rule, calendar);
  return { rule, dueAt, riskAt: atRiskAt(submittedAt, dueAt, rules.atRiskShare, calendar), versions: { rules: versions.rules, calendar: calendarVersion }, rules };
}
