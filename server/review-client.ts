import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes, type UpdateDefinition } from '@temporalio/common';
import { workflowIdFor, type Decision } from '../domain/review.js';
import {
  claimUpdate,
  decideUpdate,
  remindUpdate,
  replyUpdate,
  supersedeSignal,
  withdrawSignal,
  type ClaimRequest,
  type DecideRequest,
  type OpenReminder,
  type RemindRequest,
  type ReplyRequest,
} from '../workflows/messages.js';
import type { ReviewRoundInput } from '../workflows/review-lifecycle.js';
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

/** The server's only door into review workflows: start rounds, decide, claim, supersede, withdraw. */
export class ReviewClient {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

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

  remind(reviewId: string, req: RemindRequest, updateId: string): Promise<OpenReminder> {
    return this.update(reviewId, req.round, remindUpdate, req, updateId);
  }

  reply(reviewId: string, req: ReplyRequest, updateId: string): Promise<{ answered: number }> {
    return this.update(reviewId, req.round, replyUpdate, req, updateId);
  }

  /** One Update to a round, its refusals turned into DecisionRefused. */
  private async update<Ret, Req>(reviewId: string, round: number, def: UpdateDefinition<Ret, [Req]>, req: Req, updateId: string): Promise<Ret> {
    const handle = this.client.workflow.getHandle(workflowIdFor(reviewId, round));
    try {
      return await handle.executeUpdate(def, { args: [req], updateId });
    } catch (err) {
      throw classifyUpdateError(err);
    }
  }

  async supersede(reviewId: string, round: number): Promise<void> {
    await ignoreClosed(this.client.workflow.getHandle(workflowIdFor(reviewId, round)).signal(supersedeSignal, { nextRound: round + 1 }));
  }

  async withdraw(reviewId: string, round: number): Promise<void> {
    await ignoreClosed(this.client.workflow.getHandle(workflowIdFor(reviewId, round)).signal(withdrawSignal));
  }
}

function classifyUpdateError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError) {
    const details = (err.cause as { details?: unknown[] } | undefined)?.details;
    const refusal = details?.find(isRefusal);
    return new DecisionRefused(refusal ?? { code: 'closed', params: { detail: err.cause?.message ?? err.message } }, 'refused');
  }
  if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
    return new DecisionRefused({ code: 'closed' }, 'closed');
  }
  return err;
}

function isCompletedError(err: unknown): boolean {
  return err instanceof Error && /already completed|workflow execution already completed|not found/i.test(err.message);
}

async function ignoreClosed(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || isCompletedError(err)) return;
    throw err;
  }
}
