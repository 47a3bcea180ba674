import {
  Client,
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
} from '@temporalio/client';
import { defineSearchAttributeKey, NamespaceNotFoundError, SearchAttributeType, TypedSearchAttributes, type UpdateDefinition } from '@temporalio/common';
import { workflowIdFor, type Decision } from '../domain/review.js';
import {
  assignUpdate,
  claimUpdate,
  decideUpdate,
  releaseUpdate,
  remindUpdate,
  replyUpdate,
  supersedeSignal,
  withdrawSignal,
  type AssignRequest,
  type ClaimRequest,
  type DecideRequest,
  type OpenReminder,
  type RemindRequest,
  type ReplyRequest,
} from '../workflows/messages.js';
import type { ReviewRoundInput } from '../workflows/review-lifecycle.js';
import { issueNumbersUpdate, type IssueNumbersAnswer, type IssueNumbersRequest } from '../workflows/fulfilment/messages.js';
import { isRefusal, type Refusal } from '../domain/refusals.js';

export const SEARCH_ATTRIBUTE_KEYS = {
  reviewKind: defineSearchAttributeKey('ReviewKind', SearchAttributeType.KEYWORD),
  tenantId: defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  reviewId: defineSearchAttributeKey('ReviewId', SearchAttributeType.KEYWORD),
};

/** Why a review refused an update: a code and its facts, worded for each reader by the server. */
export class DecisionRefused extends Error {
  constructor(readonly refusal: Refusal, readonly reason: 'refused' | 'closed') {
    super(refusal.code);
    this.name = 'DecisionRefused';
  }
}

/**
 * Temporal could not take the request: down, unreachable, overloaded, or this app's namespace
 * is missing. Not the review's fault, so never a refusal: a 503 that says to try again (the
 * Update id makes a retried decision the same decision). The server answers with the status,
 * code and headers it carries (`asHttpError` in server/errors.ts).
 */
export class ReviewServiceUnavailable extends Error {
  readonly status = 503;
  readonly code = 'review_service_unavailable';
  readonly headers: Record<string, string> = { 'Retry-After': '5' };

  constructor(override readonly cause: unknown) {
    super('the review service is unavailable; try again');
    this.name = 'ReviewServiceUnavailable';
  }
}

/** The server's only door into review workflows: start rounds, decide, claim, supersede, withdraw. */
export class ReviewClient {
  private readonly acceptMs: number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    opts: { /** How long an Update may wait to be taken by its round (default 15 s). */ acceptMs?: number } = {},
  ) {
    this.acceptMs = opts.acceptMs ?? ACCEPT_MS;
  }

  /** Where rule and calendar changes ask for open deadlines to be recomputed: this deployment's client and queue. */
  recomputeTarget(): { client: Client; taskQueue: string } {
    return { client: this.client, taskQueue: this.taskQueue };
  }

  /** Idempotent: starting a running round returns it; a closed round is left as it is. */
  async startRound(input: ReviewRoundInput & { tenantId: string }): Promise<void> {
    const { tenantId, ...args } = input;
    try {
      await this.client.workflow.start('reviewLifecycle', {
        taskQueue: this.taskQueue,
        workflowId: workflowIdFor(input.reviewId, input.round),
        args: [args],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SEARCH_ATTRIBUTE_KEYS.reviewKind, value: input.kind },
          { key: SEARCH_ATTRIBUTE_KEYS.tenantId, value: tenantId },
          { key: SEARCH_ATTRIBUTE_KEYS.reviewId, value: input.reviewId },
        ]),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw isOutage(err) ? new ReviewServiceUnavailable(err) : err;
    }
  }

  /** Starts the workflow that works through a bulk decision (once per job). */
  async startBulk(jobId: string, claimIdleMinutes: number): Promise<void> {
    try {
      await this.client.workflow.start('bulkDecide', {
        taskQueue: this.taskQueue,
        workflowId: `bulk-${jobId}`,
        args: [{ jobId, claimIdleMinutes }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  /**
   * Sends the decision as an Update. The same `updateId` (one per rendered form) makes a
   * double submission one decision with one answer.
   */
  decide(reviewId: string, req: DecideRequest, updateId: string): Promise<Decision> {
    return this.update(reviewId, req.round, decideUpdate, req, updateId);
  }

  claim(reviewId: string, req: ClaimRequest, updateId: string): Promise<{ assigneeId: string }> {
    return this.update(reviewId, req.round, claimUpdate, req, updateId);
  }

  release(reviewId: string, req: ClaimRequest, updateId: string): Promise<{ assigneeId: null }> {
    return this.update(reviewId, req.round, releaseUpdate, req, updateId);
  }

  assign(reviewId: string, req: AssignRequest, updateId: string): Promise<{ assigneeId: string | null }> {
    return this.update(reviewId, req.round, assignUpdate, req, updateId);
  }

  remind(reviewId: string, req: RemindRequest, updateId: string): Promise<OpenReminder> {
    return this.update(reviewId, req.round, remindUpdate, req, updateId);
  }

  reply(reviewId: string, req: ReplyRequest, updateId: string): Promise<{ answered: number }> {
    return this.update(reviewId, req.round, replyUpdate, req, updateId);
  }

  /** Staff issue numbers to an order in provisioning; the form's token as the Update id issues once. */
  issueNumbers(reviewId: string, req: IssueNumbersRequest, updateId: string): Promise<IssueNumbersAnswer> {
    return this.update(reviewId, req.round, issueNumbersUpdate, req, updateId);
  }

  /**
   * One Update to a round, its refusals turned into DecisionRefused. Taking it (the validator's
   * verdict) normally takes milliseconds; when no worker can take the round (all gone, or its
   * workflow task failing since a worker died holding it) Temporal holds the request, so it is
   * given `acceptMs` and then answered as unavailable, to be sent again with the same id. Once
   * taken, its result is awaited however long the writes take.
   */
  private async update<Ret, Req>(reviewId: string, round: number, def: UpdateDefinition<Ret, [Req]>, req: Req, updateId: string): Promise<Ret> {
    const handle = this.client.workflow.getHandle(workflowIdFor(reviewId, round));
    const until = Date.now() + this.acceptMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const taken = await this.client.withDeadline(until, () => handle.startUpdate(def, { args: [req], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED }));
        return await taken.result();
      } catch (err) {
        // The workflow task carrying the Update failed (it raced the round's own events): the Update
        // was not performed, and the same id sent again is taken by the next task.
        if (attempt < UPDATE_ATTEMPTS && isUpdateLostWithTask(err) && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          continue;
        }
        throw classifyUpdateError(err);
      }
    }
  }

  async supersede(reviewId: string, round: number): Promise<void> {
    await ignoreClosed(this.client.workflow.getHandle(workflowIdFor(reviewId, round)).signal(supersedeSignal, { nextRound: round + 1 }));
  }

  async withdraw(reviewId: string, round: number): Promise<void> {
    await ignoreClosed(this.client.workflow.getHandle(workflowIdFor(reviewId, round)).signal(withdrawSignal));
  }
}

/**
 * How long an Update may wait to be taken by its round before the caller is told to try again:
 * longer than Temporal's 10 s for moving a round off a dead worker's sticky queue, so a decision
 * just after a worker died still goes through.
 */
const ACCEPT_MS = 15_000;

/** gRPC answers that say Temporal is not serving us right now, as opposed to a mistake in the request. */
const OUTAGE_CODES: ReadonlySet<number> = new Set([
  1, // CANCELLED
  4, // DEADLINE_EXCEEDED
  7, // PERMISSION_DENIED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  14, // UNAVAILABLE
  16, // UNAUTHENTICATED
]);

/**
 * The round's workflow is gone: finished, or never started. The SDK turns every gRPC NOT_FOUND
 * into WorkflowNotFoundError; the namespace's own NOT_FOUND normally arrives as
 * NamespaceNotFoundError, but a server that omits the failure details leaves only its wording.
 */
function isClosedRound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError && !/namespace/i.test(err.message);
}

/**
 * The round cannot take an Update while its last workflow task failed and is being retried (a
 * worker died holding it, until another takes it): FAILED_PRECONDITION, which in general is a
 * mistake in the request, but here passes by itself.
 */
const WORKFLOW_TASK_FAILING = 9;
const isWorkflowTaskFailing = (err: { code: number; details?: string; message: string }) =>
  err.code === WORKFLOW_TASK_FAILING && /workflow task in failed state|unexpected workflow task failure/i.test(`${err.details ?? ''} ${err.message}`);

/** Sends of one Update while the task that carried it fails; after them it is answered as unavailable. */
const UPDATE_ATTEMPTS = 4;

function isUpdateLostWithTask(err: unknown): boolean {
  const cause = err instanceof ServiceError ? err.cause : err;
  return isGrpcServiceError(cause) && cause.code === WORKFLOW_TASK_FAILING && /unexpected workflow task failure/i.test(`${cause.details ?? ''} ${cause.message}`);
}

function isOutage(err: unknown): boolean {
  if (err instanceof NamespaceNotFoundError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (err instanceof WorkflowNotFoundError) return !isClosedRound(err);
  if (err instanceof ServiceError) {
    const cause = err.cause;
    return isGrpcServiceError(cause) ? OUTAGE_CODES.has(cause.code) || isWorkflowTaskFailing(cause) : true;
  }
  return isGrpcServiceError(err) && (OUTAGE_CODES.has(err.code) || isWorkflowTaskFailing(err));
}

/** An Update's failure as the server reads it: a refusal, a closed round, Temporal unavailable, or (anything else) an error. */
export function classifyUpdateError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const details = (err.cause as { details?: unknown[] } | undefined)?.details;
    const refusal = details?.find(isRefusal);
    return new DecisionRefused(refusal ?? { code: 'closed', params: { detail: err.cause?.message ?? err.message } }, 'refused');
  }
  if (isClosedRound(err)) return new DecisionRefused({ code: 'closed' }, 'closed');
  if (isOutage(err)) return new ReviewServiceUnavailable(err);
  return err;
}

async function ignoreClosed(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (isClosedRound(err)) return;
    throw isOutage(err) ? new ReviewServiceUnavailable(err) : err;
  }
}
