import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import type { Db } from '../../db/client.js';
import { bumpRulesVersion, currentRulesVersion } from '../../db/rules-version.js';
import { deadlineRules } from '../../db/schema.js';
import { REVIEW_KINDS, type Actor, type ReviewKind } from '../../domain/review.js';
import { deadlineRuleKey, defaultDeadlineRule, type DeadlineStage } from '../../domain/rules.js';
import { validateDeadlineRule, WorkingTimeError, type DeadlineRule } from '../../domain/working-time.js';
import type { Logger } from '../../runtime/logger.js';
import { forbidden, HttpError, validationFailed } from '../errors.js';
import { requestRecompute, type RecomputeTarget } from '../recompute-client.js';

/** What the admin use-cases need: the database and where to ask for the recompute. */
export interface RuleChangeDeps {
  db: Db;
  log: Logger;
  recompute: RecomputeTarget;
}

export interface RuleChangeResult {
  kind: ReviewKind;
  stage: DeadlineStage;
  before: DeadlineRule;
  after: DeadlineRule;
  /** The rules version open deadlines are being brought up to. */
  rulesVersion: number;
  changed: boolean;
}

export function requireAdmin(actor: Actor, what: string): void {
  if (actor.role !== 'admin') throw forbidden(`only admins may change ${what}`);
}

/** A WorkingTimeError as the API's 422, naming the field under `prefix`. */
export function workingTimeRefusal(err: WorkingTimeError, prefix: string): HttpError {
  const path = err.field === prefix || prefix === '' ? err.field : `${prefix}.${err.field}`;
  return new HttpError(422, 'validation_failed', `invalid input: ${path}: ${err.message.replace(/^[^:]*: /, '')}`, [
    { path, message: err.message.replace(/^[^:]*: /, '') },
  ]);
}

/**
 * After the change committed: ask for the recompute. If Temporal cannot be reached, the change
 * stands (it is committed and audited) and the caller hears that deadlines follow only once the
 * request goes through: repeating the change (or ensureRecomputeRequested) asks again.
 */
export async function askForRecompute(deps: RuleChangeDeps, reason: string, version: number): Promise<void> {
  try {
    await requestRecompute(deps.recompute.client, deps.recompute.taskQueue, reason, version);
  } catch (err) {
    deps.log.error({ err, reason, version }, 'recompute request failed');
    throw new HttpError(503, 'recompute_not_started', 'the change is saved, but open deadlines could not be recomputed yet (Temporal is unavailable); save it again to retry');
  }
}

/**
 * An admin sets the deadline rule of one review kind, or of the stage after its review
 * (`fulfilment`: an order's provisioning). The rule, the rules version and the audit row commit
 * together; then every open deadline is recomputed under it.
 */
export async function changeDeadlineRule(deps: RuleChangeDeps, actor: Actor, kind: unknown, rule: unknown, stage: unknown = 'review'): Promise<RuleChangeResult> {
  requireAdmin(actor, 'deadline rules');
  const parsedKind = z.enum(REVIEW_KINDS).safeParse(kind);
  if (!parsedKind.success) throw validationFailed(parsedKind.error, 'en', ['kind']);
  const parsedStage = z.enum(['review', 'fulfilment']).safeParse(stage);
  if (!parsedStage.success) throw validationFailed(parsedStage.error, 'en', ['stage']);
  const st = parsedStage.data;
  const fallback = defaultDeadlineRule(parsedKind.data, st);
  if (!fallback) throw new HttpError(422, 'validation_failed', `invalid input: stage: ${parsedKind.data} has no ${st} stage with a deadline`, [{ path: 'stage', message: `${parsedKind.data} has no ${st} stage with a deadline` }]);
  let after: DeadlineRule;
  try {
    after = validateDeadlineRule(rule);
  } catch (err) {
    if (err instanceof WorkingTimeError) throw workingTimeRefusal(err, 'rule');
    throw err;
  }
  const k = parsedKind.data;
  const key = deadlineRuleKey(k, st);

  const result = await deps.db.transaction(async (tx) => {
    // Serialises changes of this rule, so `before` in the audit is what this change replaced.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`deadline_rule:${key}`}))`);
    const [stored] = await tx.select().from(deadlineRules).where(eq(deadlineRules.kind, key));
    const before = stored ? validateDeadlineRule(stored.rule) : fallback;
    if (JSON.stringify(before) === JSON.stringify(after)) {
      return { before, rulesVersion: await currentRulesVersion(tx), changed: false };
    }
    await tx
      .insert(deadlineRules)
      .values({ kind: key, rule: after, updatedBy: actor.id })
      .onConflictDoUpdate({ target: deadlineRules.kind, set: { rule: after, updatedBy: actor.id, updatedAt: sql`now()` } });
    const rulesVersion = await bumpRulesVersion(tx);
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'rule.change',
      objectType: 'deadline_rule',
      objectId: key,
      details: { kind: k, ...(st === 'review' ? {} : { stage: st }), before, after, rulesVersion },
    });
    return { before, rulesVersion, changed: true };
  });

  // Unchanged: still ask (cheap), so repeating a change whose request failed retries it.
  await askForRecompute(deps, `rule ${key}`, result.rulesVersion);
  return { kind: k, stage: st, before: result.before, after, rulesVersion: result.rulesVersion, changed: result.changed };
}
