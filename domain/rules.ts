import type { DeadlineRule } from './working-time.js';
import type { ReviewKind } from './review.js';
import { KINDS } from './kinds/index.js';

/** Each kind's default review deadline; admins override them in deadline_rules. */
export const DEFAULT_DEADLINE_RULES: Record<ReviewKind, DeadlineRule> = Object.fromEntries(
  Object.values(KINDS).map((k) => [k.kind, k.deadlines.review]),
) as Record<ReviewKind, DeadlineRule>;

/** The stage a deadline belongs to: the review round, or the fulfilment after approval (numbers provisioned). */
export type DeadlineStage = 'review' | 'fulfilment';

/** The default deadline of each kind's fulfilment stage, for kinds whose fulfilment has one. */
export const DEFAULT_FULFILMENT_RULES: Partial<Record<ReviewKind, DeadlineRule>> = Object.fromEntries(
  Object.values(KINDS).flatMap((k) => (k.deadlines.fulfilment ? [[k.kind, k.deadlines.fulfilment]] : [])),
) as Partial<Record<ReviewKind, DeadlineRule>>;

/** Where a stage's rule is kept in deadline_rules: the kind itself for its review, `<kind>:fulfilment` for the stage after. */
export function deadlineRuleKey(kind: ReviewKind, stage: DeadlineStage = 'review'): string {
  return stage === 'review' ? kind : `${kind}:fulfilment`;
}

/** The default rule of a kind's stage, or undefined when the stage has no deadline. */
export function defaultDeadlineRule(kind: ReviewKind, stage: DeadlineStage = 'review'): DeadlineRule | undefined {
  return stage === 'review' ? DEFAULT_DEADLINE_RULES[kind] : DEFAULT_FULFILMENT_RULES[kind];
}

/** A review is at risk once this share of its working time has passed. */
export const AT_RISK_SHARE = 0.75;
