import type { DeadlineRule } from './working-time.js';
import type { ReviewKind } from './review.js';

/** DESIGN.md's default deadline per review kind; admins override them in deadline_rules. */
export const DEFAULT_DEADLINE_RULES: Record<ReviewKind, DeadlineRule> = {
  service_activation: { type: 'end_of_working_day', days: 0 },
  enterprise_qualification: { type: 'end_of_working_day', days: 2 },
  voice_template: { type: 'working_minutes', minutes: 540 },
  audio_file: { type: 'working_minutes', minutes: 540 },
  quality_check_opt_out: { type: 'end_of_working_day', days: 1 },
  number_order: { type: 'end_of_working_day', days: 1 },
  number_unsubscribe: { type: 'end_of_working_day', days: 1 },
};

/** A review is at risk once this share of its working time has passed (DESIGN.md). */
export const AT_RISK_SHARE = 0.75;
