import { eq } from 'drizzle-orm';
import { deadlineRules } from './schema.js';
import type { Db } from './client.js';
import { DEFAULT_AUDIO_LIMITS, type AudioLimits } from '../domain/audio-format.js';
import { DEFAULT_DEADLINE_RULES } from '../domain/rules.js';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminder-policy.js';
import type { ReviewKind } from '../domain/review.js';
import { validateDeadlineRule, type DeadlineRule } from '../domain/working-time.js';

export async function findDeadlineRule(db: Db, kind: ReviewKind): Promise<DeadlineRule> {
  const [row] = await db.select().from(deadlineRules).where(eq(deadlineRules.kind, kind));
  return row ? validateDeadlineRule(row.rule) : DEFAULT_DEADLINE_RULES[kind];
}

/** The reminder policy in force for a kind: one place for the server's checks and the workflow's limits. */
export async function findReminderPolicy(_db: Db, _kind: ReviewKind): Promise<ReminderPolicy> {
  return DEFAULT_REMINDER_POLICY;
}

/** The audio limits the automatic check applies: one place for the check and for what staff are shown. */
export async function findAudioLimits(_db: Db): Promise<AudioLimits> {
  return DEFAULT_AUDIO_LIMITS;
}
