import { randomUUID } from 'node:crypto';
import { findReview, newRoundColumns, type ReviewRow } from '../../../db/reviews.js';
import { reviews } from '../../../db/schema.js';
import { storeOf } from '../../../db/subjects/index.js';
import type { TenantRow } from '../../../db/tenants.js';
import { KINDS } from '../../../domain/kinds/index.js';
import type { ReviewKind } from '../../../domain/review.js';
import type { AppDeps } from '../../deps.js';
import { keyedError, say } from '../../errors.js';
import { findIdempotentReview, isUniqueViolation, rememberIdempotentReview, requestHash } from '../idempotency.js';
import { startOrLeaveForSweeper } from '../../../temporal/start-round.js';
import { acceptDeclaration, splitDeclaration } from '../declarations.js';
import { recordAcceptance } from '../../../db/declarations.js';
import { autoAssign } from './assign.js';
import { startCatchingRuleChanges } from './start.js';
import { roundDeadline } from './deadline.js';
import { fileDigests, keepFiles, newSubjectId, oneLine, parseSubmission, recordKeptFiles, type Submission } from './submission.js';
import { precheckPassedEvent, recordReviewEvents } from '../../../db/review-events.js';

export interface SubmitOptions {
  idempotencyKey?: string;
  lang?: 'zh-CN' | 'en';
  /** Who sent it (recorded with an accepted declaration). */
  caller?: { apiKeyId: string | null; ip: string | null };
}

/**
 * A tenant submits something for review: it is validated by its kind, gets an id and a first
 * round with a deadline, is written with its files in one transaction, and its lifecycle starts.
 * A retry with the same Idempotency-Key returns the first review.
 */
export async function submitReview(deps: AppDeps, tenant: TenantRow, kind: ReviewKind, submission: Submission, opts: SubmitOptions = {}): Promise<ReviewRow> {
  return (await submitAndView(deps, tenant, kind, submission, opts)).row;
}

/**
 * The same, with what the tenant API shows of the subject when intake wrote it just now (the
 * kind's store words it from the input, so the 201 reads nothing back); undefined on a retry.
 */
export async function submitAndView(
  deps: AppDeps,
  tenant: TenantRow,
  kind: ReviewKind,
  submission: Submission,
  opts: SubmitOptions = {},
): Promise<{ row: ReviewRow; subjectView: Record<string, unknown> | undefined }> {
  try {
    return await submit(deps, tenant, kind, submission, opts);
  } finally {
    // Files not kept (a refusal, a retry that found its first request) leave no trace.
    await deps.files.discard(Object.values(submission.files));
  }
}

async function submit(deps: AppDeps, tenant: TenantRow, kind: ReviewKind, submission: Submission, opts: SubmitOptions): Promise<{ row: ReviewRow; subjectView: Record<string, unknown> | undefined }> {
  const def = KINDS[kind];
  const store = storeOf(kind);
  const lang = opts.lang ?? 'en';
  const declaration = def.declaration ? splitDeclaration(submission.body) : undefined;
  const schema = submission.json && def.jsonInput ? def.jsonInput : def.input;
  const input = parseSubmission(def, schema, declaration ? { ...submission, body: declaration.body } : submission, lang);
  const operation = `${kind}.submit`;
  const hash = requestHash(operation, { input, files: fileDigests(submission.files) });
  const earlier = await findIdempotentReview(deps.db, tenant.id, opts.idempotencyKey, operation, hash);
  if (earlier) {
    const row = await ensureStarted(deps, earlier);
    // What the key made has since been deleted: a 201 would name something that is gone.
    if (!(await store.reviewOf(deps.db, tenant.id, row.subjectId))) {
      throw keyedError(409, 'submission_deleted', say('api.submissionDeleted'), [{ path: 'Idempotency-Key', say: say('api.submissionDeletedDetail') }]);
    }
    return { row, subjectView: undefined };
  }
  const declared = def.declaration ? await acceptDeclaration(deps.db, def.declaration, declaration?.given, lang) : undefined;

  const fromFiles = await store.readFiles?.(submission.files, lang);
  const submittedAt = deps.now();
  const deadline = await roundDeadline(deps, kind, submittedAt);
  const subjectId = newSubjectId(def.subjectPrefix);
  // A check that needs only the input runs here; one that fails is left to the worker, which rejects through the decision path.
  const checkedHere = def.stages.precheck && store.precheckInput?.(input, deadline.rules).passed === true;
  const kept = await keepFiles(deps, submission.files);
  let row: ReviewRow;
  try {
    row = await deps.db.transaction(async (tx) => {
      const reviewId = randomUUID();
      // The writes below are sent together rather than one after another's answer: on the
      // transaction's one connection they go out in this order and the server runs them in
      // order, so the review row exists before the rows that refer to it. One round trip for
      // all of them; the first failure fails the transaction as before.
      const inserted = tx
        .insert(reviews)
        .values({
          id: reviewId,
          kind,
          tenantId: tenant.id,
          subjectId,
          title: def.title(input),
          summary: oneLine(def.summary?.(input) ?? ''),
          firstSubmittedAt: submittedAt,
          ...newRoundColumns({ reviewId, round: 1, status: def.stages.review ? 'pending' : 'checking', submittedAt, deadline }),
        })
        .returning()
        // Prepared, as a voice template's and the events' inserts beside it: PostgreSQL parses and plans
        // each once per connection instead of on every submission.
        .prepare('intake_review')
        .execute();
      const files = kept.map((k) => k.file.field);
      const [[created]] = await Promise.all([
        inserted,
        store.insert(tx, deps, { tenant, reviewId, subjectId, input, fromFiles, lang, fileDigests: fileDigests(submission.files) }),
        def.declaration && declared !== undefined
          ? recordAcceptance(tx, { tenantId: tenant.id, declarationId: def.declaration, version: declared, reviewId, subjectId, round: 1, apiKeyId: opts.caller?.apiKeyId ?? null, ip: opts.caller?.ip ?? null })
          : undefined,
        recordKeptFiles(tx, kept, { tenantId: tenant.id, kind, subjectId, round: 1 }),
        // The submission and, when intake checked it, the passed check: one statement.
        recordReviewEvents(tx, [
          {
            reviewId,
            round: 1,
            type: 'submitted',
            actorType: 'tenant',
            actorId: tenant.id,
            actorName: tenant.name,
            data: { subjectId, snapshot: def.snapshot ? def.snapshot(input) : input, ...(files.length > 0 ? { files } : {}) },
            at: submittedAt,
          },
          ...(checkedHere ? [precheckPassedEvent({ reviewId, round: 1, at: submittedAt })] : []),
        ]),
        rememberIdempotentReview(tx, tenant.id, opts.idempotencyKey, operation, hash, reviewId),
      ]);
      if (!created) throw new Error('review insert returned nothing');
      return def.stages.review ? autoAssign(tx, created, deadline.rules.assignment) : created;
    });
  } catch (err) {
    await deps.files.forget(kept.map((k) => k.path));
    // Two concurrent retries with one key: the loser returns the winner's review.
    if (opts.idempotencyKey && isUniqueViolation(err)) {
      const winner = await findIdempotentReview(deps.db, tenant.id, opts.idempotencyKey, operation, hash);
      if (winner) return { row: await ensureStarted(deps, winner), subjectView: undefined };
    }
    throw err;
  }
  // A rule or calendar change that committed meanwhile may have run its recompute before this row
  // was visible: then this row is recomputed here, and its started round told.
  row = await startCatchingRuleChanges(deps, row, deadline.versions, { checked: checkedHere });
  return { row, subjectView: store.tenantViewOfInput?.(subjectId, input) };
}

export async function ensureStarted(deps: Pick<AppDeps, 'db' | 'reviews' | 'log'>, reviewId: string): Promise<ReviewRow> {
  const row = await findReview(deps.db, reviewId);
  if (!row) throw new Error(`idempotent review ${reviewId} vanished`);
  // A retry while Temporal is away gets its 201 like the first request did; the sweeper starts the round.
  if (!row.workflowStartedAt && (row.status === 'pending' || row.status === 'checking')) await startOrLeaveForSweeper(deps, row);
  return row;
}

/** A JSON submission from code (demo data, benchmarks): the same path as the API's. */
export function submitJson(deps: AppDeps, tenant: TenantRow, kind: ReviewKind, body: unknown, opts: SubmitOptions = {}): Promise<ReviewRow> {
  return submitReview(deps, tenant, kind, { body, files: {}, json: true }, opts);
}
