import type { Db } from '../../db/client.js';
import { findRuleSetVersion, listRuleSetVersions, ruleSetInForce, ruleSetsInForce, type RuleSetVersion } from '../../db/rule-sets.js';
import { diffRuleSets, keepRetiredReasons, type ReasonEntry, type RuleChange } from '../../domain/rule-set.js';
import { type ReviewKind } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import { notFound } from '../errors.js';

/** Changes between two rule sets, with every reason either side names so a change of reasons can be worded. */
export interface RuleSetDiff {
  changes: RuleChange[];
  reasons: ReasonEntry[];
}

/** `from` → `to`, retired reasons of `from` kept in `to` as saving would keep them. */
export function ruleSetDiff(from: RuleSetVersion['rules'], to: RuleSetVersion['rules'], keepRetired: boolean): RuleSetDiff {
  const after = keepRetired ? keepRetiredReasons(to, from) : to;
  return { changes: diffRuleSets(from, after), reasons: [...from.reasons, ...after.reasons] };
}

/** The rule set a kind's editor form is read against (its reason codes, its shape). */
export const rulesInForce = async (db: Db, kind: ReviewKind) => (await ruleSetInForce(db, kind)).rules;

/** Each kind with the version in force, who saved it and how it assigns. */
export async function rulesOverview(db: Db) {
  const sets = await ruleSetsInForce(db);
  return REVIEW_KINDS.map((k) => ({ kind: k, version: sets[k].version, authorName: sets[k].authorName, createdAt: sets[k].createdAt, assignment: sets[k].rules.assignment }));
}

/** A kind's rule set in force and its versions, newest first, the one in force marked. */
export async function ruleSetHistory(db: Db, kind: ReviewKind) {
  const inForce = await ruleSetInForce(db, kind);
  const versions = await listRuleSetVersions(db, kind);
  return { inForce, versions: versions.map((v) => ({ ...v, inForce: v.version === inForce.version })) };
}

/** A version, what it changed from the one before it, and what restoring it would change now. */
export interface RuleSetVersionView {
  v: RuleSetVersion;
  inForce: RuleSetVersion;
  isInForce: boolean;
  /** Against the version before it; none for the defaults. */
  inVersion: RuleSetDiff;
  againstInForce: RuleSetDiff;
}

export async function ruleSetVersion(db: Db, kind: ReviewKind, version: number): Promise<RuleSetVersionView> {
  const v = await findRuleSetVersion(db, kind, version);
  if (!v) throw notFound('rule set version');
  // A version's predecessor; when it was never stored (the defaults were never saved), the defaults.
  const previous = v.version > 0 ? ((await findRuleSetVersion(db, kind, v.version - 1)) ?? (await findRuleSetVersion(db, kind, 0))) : undefined;
  const inForce = await ruleSetInForce(db, kind);
  return {
    v,
    inForce,
    isInForce: v.version === inForce.version,
    inVersion: previous ? ruleSetDiff(previous.rules, v.rules, false) : { changes: [], reasons: [] },
    againstInForce: ruleSetDiff(inForce.rules, v.rules, true),
  };
}
