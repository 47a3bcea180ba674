import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import type { Db } from '../../db/client.js';
import { bumpRulesVersion, currentRulesVersion } from '../../db/rules-version.js';
import { deadlineRules } from '../../db/schema.js';
import { REVIEW_KINDS, type Actor, type ReviewKind } from '../../domain/review.js';
import { DEFAULT_DEADLINE_RULES } from '../../domain/rules.js';
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
 * An admin sets the deadline rule of one review kind. The rule, the rules version and the audit
 * row commit together; then every open review's deadline is recomputed under it.
 */
export async function changeDeadlineRule(deps: RuleChangeDeps, actor: Actor, kind: unknown, rule: unknown): Promise<RuleChangeResult> {
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

  const result = await deps.db.transaction(async (tx) => {
    // Serialises changes of this kind's rule, so `before` in the audit is what this change replaced.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`deadline_rule:${k}`}))`);
    const [stored] = await tx.select().from(deadlineRules).where(eq(deadlineRules.kind, k));
    const before = stored ? validateDeadlineRule(stored.rule) : DEFAULT_DEADLINE_RULES[k];
    if (JSON.stringify(before) === JSON.stringify(after)) {
      return { before, rulesVersion: await currentRulesVersion(tx), changed: false };
    }
    await tx
      .insert(deadlineRules)
      .values({ kind: k, rule: after, updatedBy: actor.id })
      .onConflictDoUpdate({ target: deadlineRules.kind, set: { rule: after, updatedBy: actor.id, updatedAt: sql`now()` } });
    const rulesVersion = await bumpRulesVersion(tx);
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'rule.change',
      objectType: 'deadline_rule',
      objectId: k,
      details: { kind: k, before, after, rulesVersion },
    });
    return { before, rulesVersion, changed: true };
  });

  // Unchanged: still ask (cheap), so repeating a change whose request failed retries it.
  await askForRecompute(deps, `rule ${k}`, result.rulesVersion);
  return { kind: k, before: result.before, after, rulesVersion: result.rulesVersion, changed: result.changed };
}
