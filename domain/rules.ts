import type { DeadlineRule } from './working-time.js';
import type { ReviewKind } from './review.js';
import { KINDS } from './kinds/index.js';

/** Each kind's default review deadline; a kind's rule set may change it. */
export const DEFAULT_DEADLINE_RULES: Record<ReviewKind, DeadlineRule> = Object.fromEntries(
  Object.values(KINDS).map((k) => [k.kind, k.deadlines.review]),
) as Record<ReviewKind, DeadlineRule>;

/** A review is at risk once this share of its working time has passed (the default; a kind's rule set may change it). */
export const AT_RISK_SHARE = 0.75;
