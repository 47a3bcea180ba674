import { eq } from 'drizzle-orm';
import { deadlineRules } from './schema.js';
import type { Db, Tx } from './client.js';
import { DEFAULT_DEADLINE_RULES, deadlineRuleKey, defaultDeadlineRule, type DeadlineStage } from '../domain/rules.js';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../domain/reminder-policy.js';
import type { ReviewKind } from '../domain/review.js';
import { validateDeadlineRule, type DeadlineRule } from '../domain/working-time.js';

export async function findDeadlineRule(db: Db, kind: ReviewKind): Promise<DeadlineRule> {
  const [row] = await db.select().from(deadlineRules).where(eq(deadlineRules.kind, kind));
  return row ? validateDeadlineRule(row.rule) : DEFAULT_DEADLINE_RULES[kind];
}

/** The rule in force for a stage of a kind (its fulfilment after approval); undefined when the stage has no deadline. */
export async function findStageDeadlineRule(db: Db | Tx, kind: ReviewKind, stage: DeadlineStage): Promise<DeadlineRule | undefined> {
  const [row] = await db.select().from(deadlineRules).where(eq(deadlineRules.kind, deadlineRuleKey(kind, stage)));
  return row ? validateDeadlineRule(row.rule) : defaultDeadlineRule(kind, stage);
}

/** The reminder policy in force for a kind: one place for the server's checks and the workflow's limits. */
export async function findReminderPolicy(_db: Db, _kind: ReviewKind): Promise<ReminderPolicy> {
  return DEFAULT_REMINDER_POLICY;
}
