import type { RejectionReason } from '../rejection-reasons.js';
import type { ReviewKind } from '../review.js';
import { KINDS } from './index.js';

export function rejectionReasonsFor(kind: ReviewKind): RejectionReason[] {
  return KINDS[kind].rejectionReasons;
}

export function findRejectionReason(kind: ReviewKind, code: string): RejectionReason | undefined {
  return rejectionReasonsFor(kind).find((r) => r.code === code);
}
