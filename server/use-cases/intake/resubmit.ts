import { and, eq, sql } from 'drizzle-orm';
import { findReview, newRoundColumns, type ReviewRow } from '../../../db/reviews.js';
import { reviews } from '../../../db/schema.js';
import { storeOf } from '../../../db/subjects/index.js';
import type { TenantRow } from '../../../db/tenants.js';
import { KINDS } from '../../../domain/kinds/index.js';
import type { ReviewKind } from '../../../domain/review.js';
import type { AppDeps } from '../../deps.js';
import { keyedConflict, notFound, say } from '../../errors.js';
import { autoAssign } from './assign.js';
import { startCatchingRuleChanges } from './start.js';
import { roundDeadline } from './deadline.js';
import { fileDigests, keepFiles, oneLine, parseSubmission, recordKeptFiles, type Submission } from './submission.js';
import { acceptDeclaration, splitDeclaration } from '../declarations.js';
import { recordAcceptance } from '../../../db/declarations.js';
import { recordReviewEvent } from '../../../db/review-events.js';

/**
 * The tenant edits a submission: a new round starts with a fresh deadline and reminder state,
 * and a round still pending ends as superseded (a decision racing it is refused as stale).
 * Whether the subject may be edited now is its kind's rule.
 */
export async function resubmitReview(
  deps: AppDeps,
  tenant: TenantRow,
  kind: ReviewKind,
  subjectId: string,
  submission: Submission,
  lang: 'zh-CN' | 'en' = 'en',
  caller: { apiKeyId: string | null; ip: string | null } = { apiKeyId: null, ip: null },
): Promise<ReviewRow> {
  try {
    return await resubmit(deps, tenant, kind, subjectId, submission, lang, caller);
  } finally {
    await deps.files.discard(Object.values(submission.files));
  }
}

async function resubmit(
  deps: AppDeps,
  tenant: TenantRow,
  kind: ReviewKind,
  subjectId: string,
  submission: Submission,
  lang: 'zh-CN' | 'en',
  caller: { apiKeyId: string | null; ip: string | null },
): Promise<ReviewRow> {
  const def = KINDS[kind];
  const store = storeOf(kind);
  if (!store.resubmit) throw keyedConflict(say('api.cannotEdit'));
  const partial = def.editInput !== undefined && submission.json;
  const declaration = def.declaration ? splitDeclaration(submission.body) : undefined;
  const input = parseSubmission(def, partial && def.editInput ? def.editInput : def.input, declaration ? { ...submission, body: declaration.body } : submission, lang);
  const reviewId = await store.reviewOf(deps.db, tenant.id, subjectId);
  if (!reviewId) throw notFound(kind.replace(/_/g, ' '));
  // The declaration is ticked again on every edit.
  const declared = def.declaration ? await acceptDeclaration(deps.db, def.declaration, declaration?.given, lang) : undefined;

  const submittedAt = deps.now();
  const deadline = await roundDeadline(deps, kind, submittedAt);
  const kept = await keepFiles(deps, submission.files);
  let committed: { row: ReviewRow; previousRound: number | null };
  try {
    committed = await deps.db.transaction(async (tx) => {
      const [current] = await tx.select().from(reviews).where(eq(reviews.id, reviewId)).for('update');
      if (!current) throw notFound(kind.replace(/_/g, ' '));
      if (current.status === 'withdrawn') throw keyedConflict(say('api.submissionWithdrawn'));
      const round = current.round + 1;
      const edit = await store.resubmit!(tx, deps, { tenant, subjectId, review: current, input, partial, files: kept.map((k) => k.file.field), fileDigests: fileDigests(submission.files) });
      if (def.declaration && declared !== undefined) {
        await recordAcceptance(tx, { tenantId: tenant.id, declarationId: def.declaration, version: declared, reviewId: current.id, subjectId, round, apiKeyId: caller.apiKeyId, ip: caller.ip });
      }
      const [updated] = await tx
        .update(reviews)
        .set({
          title: edit.title ?? current.title,
          summary: partial ? current.summary : oneLine(def.summary?.(input) ?? current.summary),
          ...newRoundColumns({ reviewId: current.id, round, status: def.stages.review ? 'pending' : 'checking', submittedAt, deadline }),
          updatedAt: sql`now()`,
        })
        .where(and(eq(reviews.id, current.id), eq(reviews.round, current.round)))
        .returning();
      if (!updated) throw keyedConflict(say('api.changedMeanwhile'));
      const files = await recordKeptFiles(tx, kept, { tenantId: tenant.id, kind, subjectId, round });
      await recordReviewEvent(tx, {
        reviewId: current.id,
        round,
        type: 'resubmitted',
        actorType: 'tenant',
        actorId: tenant.id,
        actorName: tenant.name,
        data: {
          previousRound: current.round,
          previousStatus: current.status,
          snapshot: def.snapshot ? def.snapshot(input) : input,
          ...(partial ? { edit: Object.keys(input as object) } : {}),
          ...(files.length > 0 ? { files } : {}),
        },
        at: submittedAt,
      });
      return { row: def.stages.review ? await autoAssign(tx, updated, deadline.rules.assignment) : updated, previousRound: current.status === 'pending' ? current.round : null };
    });
  } catch (err) {
    await deps.files.forget(kept.map((k) => k.path));
    throw err;
  }
  const row = committed.row;
  // The old round learns it was superseded; if Temporal is away it finds out when it next writes (a stale round changes nothing).
  if (committed.previousRound !== null) await deps.reviews.supersede(row.id, committed.previousRound).catch((err: unknown) => deps.log.warn({ err, reviewId: row.id }, 'could not tell the old round it was superseded'));
  // A change that raced this round's commit: the round is recomputed and, once started, told.
  await startCatchingRuleChanges(deps, row, deadline.versions);
  return (await findReview(deps.db, row.id)) ?? row;
}
