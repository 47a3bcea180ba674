import { randomBytes, randomUUID } from 'node:crypto';
import { reviewEvents, reviews, voiceTemplates } from '../../db/schema.js';
import { findReview, type ReviewRow } from '../../db/reviews.js';
import { findDeadlineRule } from '../../db/rules.js';
import { currentVersions } from '../../db/rules-version.js';
import { recomputeIfRulesMoved } from '../../activities/recompute.js';
import { voiceTemplateInput, type VoiceTemplateInput } from '../../domain/voice-template.js';
import { workflowIdFor } from '../../domain/review.js';
import { atRiskAt, computeDueAt } from '../../domain/working-time.js';
import { AT_RISK_SHARE } from '../../domain/rules.js';
import type { TenantRow } from '../../db/tenants.js';
import type { AppDeps } from '../deps.js';
import { validationFailed } from '../errors.js';
import { findIdempotentReview, isUniqueViolation, rememberIdempotentReview, requestHash } from './idempotency.js';
import { startCurrentRound } from './start-round.js';

/** Template IDs are issued at submission: "VT" + 16 characters of Crockford base32. */
export function newTemplateId(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return 'VT' + Array.from(randomBytes(16), (b) => alphabet[b % 32]).join('');
}

export function parseVoiceTemplate(body: unknown): VoiceTemplateInput {
  const parsed = voiceTemplateInput.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error);
  return parsed.data;
}

/**
 * A tenant submits a voice template: it gets an ID, a review round with a deadline, and a
 * workflow. A retry with the same Idempotency-Key returns the first review.
 */
export async function submitVoiceTemplate(
  deps: AppDeps,
  tenant: TenantRow,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<ReviewRow> {
  const input = parseVoiceTemplate(body);
  const hash = requestHash('voice_template.submit', input);
  const earlier = await findIdempotentReview(deps.db, tenant.id, idempotencyKey, 'voice_template.submit', hash);
  if (earlier) return ensureStarted(deps, earlier);

  const submittedAt = deps.now();
  // Versions first, then the rule and calendar: the row is labelled with a rules version never
  // newer than what its deadline used (the race with an admin's change: recomputeIfRulesMoved).
  const versions = await currentVersions(deps.db);
  const rule = await findDeadlineRule(deps.db, 'voice_template');
  const { calendar, version: calendarVersion } = await deps.calendar();
  const dueAt = computeDueAt(submittedAt, rule, calendar);
  const riskAt = atRiskAt(submittedAt, dueAt, AT_RISK_SHARE, calendar);
  const templateId = newTemplateId();
  let row: ReviewRow;
  try {
    row = await deps.db.transaction(async (tx) => {
      const reviewId = randomUUID();
      const [created] = await tx
        .insert(reviews)
        .values({
          id: reviewId,
          kind: 'voice_template',
          tenantId: tenant.id,
          subjectId: templateId,
          title: input.name,
          round: 1,
          status: 'pending',
          submittedAt,
          firstSubmittedAt: submittedAt,
          dueAt,
          atRiskAt: riskAt,
          dueRule: rule,
          rulesVersion: versions.rules,
          workflowId: workflowIdFor(reviewId, 1),
        })
        .returning();
      if (!created) throw new Error('review insert returned nothing');
      await tx.insert(voiceTemplates).values({ id: templateId, tenantId: tenant.id, reviewId: created.id, ...input });
      await tx.insert(reviewEvents).values({
        reviewId: created.id,
        round: 1,
        type: 'submitted',
        actorType: 'tenant',
        actorId: tenant.id,
        actorName: tenant.name,
        data: { templateId },
        at: submittedAt,
      });
      await rememberIdempotentReview(tx, tenant.id, idempotencyKey, 'voice_template.submit', hash, created.id);
      return created;
    });
  } catch (err) {
    // Two concurrent retries with one key: the loser returns the winner's review.
    if (idempotencyKey && isUniqueViolation(err)) {
      const winner = await findIdempotentReview(deps.db, tenant.id, idempotencyKey, 'voice_template.submit', hash);
      if (winner) return ensureStarted(deps, winner);
    }
    throw err;
  }
  // A rule or calendar change that committed meanwhile may have run its recompute before this row
  // was visible: then this row is recomputed here, before its workflow starts with the deadline.
  row = await recomputeIfRulesMoved(deps.db, row, { rules: versions.rules, calendar: calendarVersion }, deps.log);
  await startCurrentRound(deps, row);
  return row;
}

async function ensureStarted(deps: AppDeps, reviewId: string): Promise<ReviewRow> {
  const row = await findReview(deps.db, reviewId);
  if (!row) throw new Error(`idempotent review ${reviewId} vanished`);
  if (!row.workflowStartedAt && row.status === 'pending') await startCurrentRound(deps, row);
  return row;
}
