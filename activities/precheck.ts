import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client.js';
import { findReview } from '../db/reviews.js';
import { filesOfSubject } from '../db/stored-files.js';
import { storeOf } from '../db/subjects/index.js';
import type { PrecheckVerdict } from '../db/subjects/store.js';
import { AUTOMATIC_CHECK, type ReviewKind } from '../domain/review.js';
import type { FileStore } from '../files/store.js';
import { storableText } from '../domain/storable.js';
import type { Logger } from '../runtime/logger.js';
import { recordPrecheckPassed, recordReviewEvent } from '../db/review-events.js';

/**
 * The kind's automatic check of a submission, before any person looks. The kind's store may keep
 * what it measured on its subject; a passed check is written to the timeline (once, however often
 * the activity is retried), and the workflow turns a failed one into an automatic rejection
 * through the usual decision path.
 */
export async function precheckSubmission(db: Db, files: FileStore | undefined, args: { reviewId: string; kind: ReviewKind; round: number }): Promise<PrecheckVerdict> {
  const store = storeOf(args.kind);
  if (!store.precheck) return { passed: true };
  const review = await findReview(db, args.reviewId);
  if (!review) throw ApplicationFailure.nonRetryable(`review ${args.reviewId} not found`, 'ReviewNotFound');
  if (review.round !== args.round) return { passed: true };
  if (!files) throw ApplicationFailure.nonRetryable('this worker has no file store', 'NoFileStore');
  const readFile = async (f: { path: string }, maxBytes: number) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of files.read(f.path, { start: 0, end: maxBytes - 1 })) {
      size += (chunk as Buffer).length;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, size);
  };
  const verdict = await store.precheck({ db, readFile }, review, await filesOfSubject(db, args.kind, review.subjectId));
  if (verdict.passed) {
    await recordPrecheckPassed(db, { reviewId: review.id, round: review.round });
  }
  return verdict;
}

/**
 * The automatic check could not run to the end, however often it was tried (a file that breaks the
 * checker, a store gone): the round goes to staff, and its timeline says why, so a reviewer decides
 * in person instead of finding the review waiting on a check that never finishes.
 */
export async function recordPrecheckFailure(db: Db, log: Logger, args: { reviewId: string; round: number; error: string }): Promise<void> {
  log.warn({ reviewId: args.reviewId, round: args.round, error: args.error }, 'the automatic check gave up; the review goes to staff');
  await recordReviewEvent(db, {
    reviewId: args.reviewId,
    round: args.round,
    type: 'precheck_failed',
    actorType: 'system',
    actorName: AUTOMATIC_CHECK.name,
    data: { error: storableText(args.error).slice(0, 500) },
    dedupeKey: `${args.reviewId}:${args.round}:precheck_failed`,
  });
}
