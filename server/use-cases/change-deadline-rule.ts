import { z } from 'zod';
import { ruleSetInForce } from '../../db/rule-sets.js';
import { type Actor, type ReviewKind } from '../../domain/review.js';
import { REVIEW_KINDS, KINDS } from '../../domain/kinds/index.js';
import { validateDeadlineRule, WorkingTimeError, type DeadlineRule } from '../../domain/working-time.js';
import { HttpError, validationFailed } from '../errors.js';
import { askForRecompute, requireAdmin, workingTimeRefusal, type RuleChangeDeps } from './rule-change.js';
import { saveRuleSet } from './save-rule-set.js';

export type { RuleChangeDeps } from './rule-change.js';

export interface RuleChangeResult {
  kind: ReviewKind;
  stage: 'review' | 'fulfilment';
  before: DeadlineRule;
  after: DeadlineRule;
  /** The rules version open deadlines are being brought up to. */
  rulesVersion: number;
  changed: boolean;
}

/**
 * An admin sets one deadline of one kind alone (its review, or the stage after approval): a new
 * version of its rule set with only that rule changed; open deadlines are then recomputed under it.
 */
export async function changeDeadlineRule(
  deps: RuleChangeDeps,
  actor: Actor,
  kind: unknown,
  rule: unknown,
  stage: 'review' | 'fulfilment' = 'review',
  comment = '',
): Promise<RuleChangeResult> {
  requireAdmin(actor, 'deadline rules');
  const parsedKind = z.enum(REVIEW_KINDS).safeParse(kind);
  if (!parsedKind.success) throw validationFailed(parsedKind.error, 'en', ['kind']);
  if (stage === 'fulfilment' && !KINDS[parsedKind.data].deadlines.fulfilment) {
    throw new HttpError(422, 'validation_failed', `a ${parsedKind.data} has no stage after approval`, [{ path: 'stage', message: 'this kind has no stage after approval' }]);
  }
  let after: DeadlineRule;
  try {
    after = validateDeadlineRule(rule);
  } catch (err) {
    if (err instanceof WorkingTimeError) throw workingTimeRefusal(err, 'rule');
    throw err;
  }
  const k = parsedKind.data;
  const current = await ruleSetInForce(deps.db, k);
  const saved = await saveRuleSet(deps, actor, k, { ...current.rules, deadlines: { ...current.rules.deadlines, [stage]: after } }, { comment });
  // Unchanged: still ask (cheap), so repeating a change whose request failed retries it.
  if (!saved.changed) await askForRecompute(deps, `rule ${k}`, saved.rulesVersion);
  const before = (stage === 'review' ? current.rules.deadlines.review : current.rules.deadlines.fulfilment) ?? after;
  return { kind: k, stage, before, after, rulesVersion: saved.rulesVersion, changed: saved.changed };
}
