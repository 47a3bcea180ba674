import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { classifyUpdateError, ReviewServiceUnavailable } from '../../temporal/review-client.js';

/** A gRPC status as @grpc/grpc-js reports it (code, details, metadata), wrapped as the SDK wraps it. */
function grpcFailure(code: number, details: string): ServiceError {
  const status = Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
  return new ServiceError('Workflow Update failed', { cause: status });
}

describe('classifying a failed Update', () => {
  it('when Temporal refuses an Update because the round’s workflow task failed (a worker died holding it), then the review service is unavailable (503, try again), not an error', () => {
    const err = classifyUpdateError(grpcFailure(9, 'Unable to perform workflow execution update due to Workflow Task in failed state.'));
    expect(err).toBeInstanceOf(ReviewServiceUnavailable);
    expect((err as ReviewServiceUnavailable).status).toBe(503);
  });

  it('when another FAILED_PRECONDITION comes back, then it stays an error to look into', () => {
    const original = grpcFailure(9, 'something else is wrong with this request');
    expect(classifyUpdateError(original)).toBe(original);
  });

  it('when the wait for the round to take the Update runs out (DEADLINE_EXCEEDED), then the review service is unavailable', () => {
    expect(classifyUpdateError(grpcFailure(4, 'Deadline exceeded'))).toBeInstanceOf(ReviewServiceUnavailable);
  });
});
