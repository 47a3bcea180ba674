import { z } from 'zod';
import { ruleSetInForce } from '../../db/rule-sets.js';
import { REVIEW_KINDS, type Actor, type ReviewKind } from '../../domain/review.js';
import { validateDeadlineRule, WorkingTimeError, type DeadlineRule } from '../../domain/working-time.js';
import { validationFailed } from '../errors.js';
import { askForRecompute, requireAdmin, workingTimeRefusal, type RuleChangeDeps } from './rule-change.js';
import { saveRuleSet } from './save-rule-set.js';

export { askForRecompute, requireAdmin, workingTimeRefusal, type RuleChangeDeps } from './rule-change.js';

export interface RuleChangeResult {
  kind: ReviewKind;
  before: DeadlineRule;
  after: DeadlineRule;
  /** The rules version open deadlines are being brought up to. */
  rulesVersion: number;
  changed: boolean;
}

/**
 * An admin sets the review deadline of one kind alone: a new version of its rule set with only
 * that rule changed; open deadlines are then recomputed under it.
 */
export async function changeDeadlineRule(deps: RuleChangeDeps, actor: Actor, kind: unknown, rule: unknown, comment = ''): Promise<RuleChangeResult> {
  requireAdmin(actor, 'deadline rules');
  const parsedKind = z.enum(REVIEW_KINDS).safeParse(kind);
  if (!parsedKind.success) throw validationFailed(parsedKind.error, 'en', ['kind']);
  let after: DeadlineRule;
  try {
    after = validateDeadlineRule(rule);
  } catch (err) {
    if (err instanceof WorkingTimeError) throw workingTimeRefusal(err, 'rule');
    throw err;
  }
  const k = parsedKind.data;
  const current = await ruleSetInForce(deps.db, k);
  const saved = await saveRuleSet(deps, actor, k, { ...current.rules, deadlines: { ...current.rules.deadlines, review: after } }, { comment });
  // Unchanged: still ask (cheap), so repeating a change whose request failed retries it.
  if (!saved.changed) await askForRecompute(deps, `rule ${k}`, saved.rulesVersion);
  return { kind: k, before: current.rules.deadlines.review, after, rulesVersion: saved.rulesVersion, changed: saved.changed };
}
