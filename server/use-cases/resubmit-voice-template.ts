import { and, eq, sql } from 'drizzle-orm';
import { reviewEvents, reviews, voiceTemplates } from '../../db/schema.js';
import { findTenantTemplate } from '../../db/voice-templates.js';
import { findDeadlineRule } from '../../db/rules.js';
import { currentVersions } from '../../db/rules-version.js';
import { recomputeIfRulesMoved } from '../../activities/recompute.js';
import { workflowIdFor } from '../../domain/review.js';
import { atRiskAt, computeDueAt } from '../../domain/working-time.js';
import { AT_RISK_SHARE } from '../../domain/rules.js';
import type { ReviewRow } from '../../db/reviews.js';
import type { TenantRow } from '../../db/tenants.js';
import type { AppDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';
import { parseVoiceTemplate } from './submit-voice-template.js';
import { startCurrentRound } from './start-round.js';

/**
 * The tenant edits a template: a new review round starts with a fresh deadline and the
 * current round's workflow ends as superseded (a decision racing it is refused as stale).
 */
export async function resubmitVoiceTemplate(deps: AppDeps, tenant: TenantRow, templateId: string, body: unknown): Promise<ReviewRow> {
  const input = parseVoiceTemplate(body);
  const submittedAt = deps.now();
  // Versions first, then the rule and calendar: see recomputeIfRulesMoved (activities/recompute.ts).
  const versions = await currentVersions(deps.db);
  const rule = await findDeadlineRule(deps.db, 'voice_template');
  const { calendar, version: calendarVersion } = await deps.calendar();
  const dueAt = computeDueAt(submittedAt, rule, calendar);
  const riskAt = atRiskAt(submittedAt, dueAt, AT_RISK_SHARE, calendar);

  const { row: committed, previousRound } = await deps.db.transaction(async (tx) => {
    const template = await findTenantTemplate(tx, tenant.id, templateId);
    if (!template) throw notFound('voice template');
    const [current] = await tx.select().from(reviews).where(eq(reviews.id, template.reviewId)).for('update');
    if (!current) throw notFound('voice template');
    if (current.status === 'withdrawn') throw conflict('this template was deleted');
    const round = current.round + 1;
    const [updated] = await tx
      .update(reviews)
      .set({
        round,
        status: 'pending',
        title: input.name,
        submittedAt,
        dueAt,
        atRiskAt: riskAt,
        reminderAnswerDueAt: null,
        dueRule: rule,
        rulesVersion: versions.rules,
        slaState: 'on_track',
        assigneeId: null,
        reminderStatus: 'none',
        reminderCount: 0,
        reminderLastAt: null,
        queueBucket: 1,
        decisionOutcome: null,
        decisionReasonCode: null,
        decisionReasonText: null,
        decidedAt: null,
        decidedBy: null,
        workflowId: workflowIdFor(current.id, round),
        workflowStartedAt: null,
        updatedAt: sql`now()`,
      })
      .where(and(eq(reviews.id, current.id), eq(reviews.round, current.round)))
      .returning();
    if (!updated) throw conflict('the template changed meanwhile; try again');
    await tx.update(voiceTemplates).set({ ...input, updatedAt: sql`now()` }).where(eq(voiceTemplates.id, template.id));
    await tx.insert(reviewEvents).values({
      reviewId: current.id,
      round,
      type: 'resubmitted',
      actorType: 'tenant',
      actorId: tenant.id,
      actorName: tenant.name,
      data: { previousRound: current.round, previousStatus: current.status },
      at: submittedAt,
    });
    return { row: updated, previousRound: current.status === 'pending' ? current.round : null };
  });
  // A change that raced this round's commit: recompute the round before its workflow starts.
  const row = await recomputeIfRulesMoved(deps.db, committed, { rules: versions.rules, calendar: calendarVersion }, deps.log);
  if (previousRound !== null) await deps.reviews.supersede(row.id, previousRound);
  await startCurrentRound(deps, row);
  return row;
}
