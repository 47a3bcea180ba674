import { appendAudit } from '../../db/audit.js';
import { appendRuleSetVersion, findRuleSetVersion, lockRuleSet, ruleSetInForce } from '../../db/rule-sets.js';
import { bumpRulesVersion, currentRulesVersion } from '../../db/rules-version.js';
import { changesDeadlines, diffRuleSets, keepRetiredReasons, parseRuleSet, RuleSetError, type RuleChange, type RuleSet } from '../../domain/rule-set.js';
import type { Actor, ReviewKind } from '../../domain/review.js';
import { HttpError, notFound } from '../errors.js';
import { askForRecompute, requireAdmin, type RuleChangeDeps } from './rule-change.js';

export interface RuleSetSaved {
  kind: ReviewKind;
  /** The new version, or the one in force when nothing changed. */
  version: number;
  changed: boolean;
  changes: RuleChange[];
  /** The rules version open deadlines are being brought up to (unchanged when no deadline moved). */
  rulesVersion: number;
  recompute: boolean;
}

/** A RuleSetError as the 422 every admin form shows beside the field. */
export function ruleSetRefusal(err: RuleSetError): HttpError {
  return new HttpError(422, 'validation_failed', `invalid input: ${err.field}: ${err.reason}`, [{ path: err.field, message: err.reason }]);
}

export function checkRuleSet(kind: ReviewKind, candidate: unknown): RuleSet {
  try {
    return parseRuleSet(kind, candidate);
  } catch (err) {
    if (err instanceof RuleSetError) throw ruleSetRefusal(err);
    throw err;
  }
}

function cleanComment(comment: unknown): string {
  const c = typeof comment === 'string' ? comment.trim() : '';
  if ([...c].length > 500) throw new HttpError(422, 'validation_failed', 'invalid input: comment: at most 500 characters', [{ path: 'comment', message: 'at most 500 characters' }]);
  return c;
}

/**
 * An admin saves a kind's rule set: a new version with author, time, comment and the diff in the
 * audit log, in one transaction. A change that moves deadlines (the rules, the at-risk share, the
 * time a reminder must be answered in) bumps the rules version, and open reviews and reminders
 * are recomputed under it after the commit. Saving what is already in force writes nothing.
 */
export async function saveRuleSet(
  deps: RuleChangeDeps,
  actor: Actor,
  kind: ReviewKind,
  candidate: unknown,
  opts: { comment?: unknown; restoredFrom?: number; ip?: string | null } = {},
): Promise<RuleSetSaved> {
  requireAdmin(actor, 'review rules');
  const comment = cleanComment(opts.comment);
  const parsed = checkRuleSet(kind, candidate);

  const result = await deps.db.transaction(async (tx) => {
    await lockRuleSet(tx, kind);
    const current = await ruleSetInForce(tx, kind);
    const next = keepRetiredReasons(parsed, current.rules);
    const changes = diffRuleSets(current.rules, next);
    if (changes.length === 0) return { version: current.version, changed: false, changes, rulesVersion: await currentRulesVersion(tx), recompute: false };
    const version = await appendRuleSetVersion(tx, { kind, rules: next, comment, authorId: actor.id, authorName: actor.name, restoredFrom: opts.restoredFrom ?? null });
    const recompute = changesDeadlines(current.rules, next);
    const rulesVersion = recompute ? await bumpRulesVersion(tx) : await currentRulesVersion(tx);
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: opts.restoredFrom === undefined ? 'rules.change' : 'rules.restore',
      objectType: 'rule_set',
      objectId: kind,
      ip: opts.ip ?? null,
      details: { kind, from: current.version, version, comment, changes, rulesVersion, ...(opts.restoredFrom === undefined ? {} : { restoredFrom: opts.restoredFrom }) },
    });
    return { version, changed: true, changes, rulesVersion, recompute };
  });

  if (result.recompute) await askForRecompute(deps, `rules ${kind} v${result.version}`, result.rulesVersion);
  return { kind, ...result };
}

/** Brings an earlier version back as a new one; reasons added since stay, retired. */
export async function restoreRuleSet(deps: RuleChangeDeps, actor: Actor, kind: ReviewKind, version: number, opts: { comment?: unknown; ip?: string | null } = {}): Promise<RuleSetSaved> {
  requireAdmin(actor, 'review rules');
  const old = Number.isInteger(version) && version >= 0 ? await findRuleSetVersion(deps.db, kind, version) : undefined;
  if (!old) throw notFound('rule set version');
  return saveRuleSet(deps, actor, kind, old.rules, { comment: opts.comment, restoredFrom: version, ip: opts.ip });
}
