import type { Db, Tx } from './client.js';
import { findReasonAnyVersion, ruleSetInForce } from './rule-sets.js';
import { DEFAULT_AUDIO_LIMITS, type AudioLimits, type FileLimit, type ImageMinimum, type TemplateChecks } from '../domain/checks.js';
import type { ReminderPolicy } from '../domain/reminder-policy.js';
import type { ReasonEntry, RuleSet } from '../domain/rule-set.js';
import type { ReviewKind } from '../domain/review.js';
import type { DeadlineRule } from '../domain/working-time.js';

/*
 * The rules in force, one getter per thing a reader needs. All of them read the kind's rule set
 * in force (db/rule-sets.ts): the latest version an admin saved, or the kind's defaults.
 */

/** The deadline of the stage after approval (number provisioning), when the kind has one. */
export async function findFulfilmentRule(db: Db | Tx, kind: ReviewKind): Promise<DeadlineRule | undefined> {
  return (await ruleSetInForce(db, kind)).rules.deadlines.fulfilment;
}

/** The review deadline and the at-risk share together, as a new round needs them. */
export async function findDeadlineRules(db: Db | Tx, kind: ReviewKind): Promise<{ rule: DeadlineRule; atRiskShare: number }> {
  const { rules } = await ruleSetInForce(db, kind);
  return { rule: rules.deadlines.review, atRiskShare: rules.atRiskShare };
}

/** The reminder policy in force for a kind: one place for the server's checks and the workflow's limits. */
export async function findReminderPolicy(db: Db | Tx, kind: ReviewKind): Promise<ReminderPolicy> {
  return (await ruleSetInForce(db, kind)).rules.reminders;
}

/** Limits the audio check measures an uploaded recording against. */
export async function findAudioLimits(db: Db | Tx, kind: ReviewKind): Promise<AudioLimits> {
  return (await ruleSetInForce(db, kind)).rules.checks.audio ?? DEFAULT_AUDIO_LIMITS;
}

export async function findTemplateChecks(db: Db | Tx, kind: ReviewKind): Promise<TemplateChecks | undefined> {
  return (await ruleSetInForce(db, kind)).rules.checks.template;
}

/** Allowed types and sizes per file field of a multipart kind. */
export async function findFileLimits(db: Db | Tx, kind: ReviewKind): Promise<Record<string, FileLimit> | undefined> {
  return (await ruleSetInForce(db, kind)).rules.checks.files;
}


/** The reasons reviewers may choose now. */
export async function findActiveReasons(db: Db | Tx, kind: ReviewKind): Promise<ReasonEntry[]> {
  return (await ruleSetInForce(db, kind)).rules.reasons.filter((r) => r.active);
}

/** A reason by code, retired ones included (past decisions keep their wording). */
export async function findRejectionReason(db: Db | Tx, kind: ReviewKind, code: string): Promise<ReasonEntry | undefined> {
  return findReasonAnyVersion(db, kind, code);
}

/** The whole rule set in force for a kind. */
export async function findRuleSet(db: Db | Tx, kind: ReviewKind): Promise<RuleSet> {
  return (await ruleSetInForce(db, kind)).rules;
}

/** The smallest pixel size per image field the enterprise pre-check accepts. */
export async function findImageMinimums(db: Db | Tx, kind: ReviewKind): Promise<Record<string, ImageMinimum>> {
  return (await ruleSetInForce(db, kind)).rules.checks.images ?? {};
}
