import { eq } from 'drizzle-orm';
import { deadlineRules } from './schema.js';
import type { Db } from './client.js';
import { DEFAULT_DEADLINE_RULES } from '../domain/rules.js';
import type { ReviewKind } from '../domain/review.js';
import { validateDeadlineRule, type DeadlineRule } from '../domain/working-time.js';

export async function findDeadlineRule(db: Db, kind: ReviewKind): Promise<DeadlineRule> {
  const [row] = await db.select().from(deadlineRules).where(eq(deadlineRules.kind, kind));
  return row ? validateDeadlineRule(row.rule) : DEFAULT_DEADLINE_RULES[kind];
}
