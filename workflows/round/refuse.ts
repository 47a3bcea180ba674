import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal, RefusalCode } from '../../domain/refusals.js';

/** Refuses an Update with a code and facts the server words in the reader's language. */
export function refuse(code: RefusalCode, params?: Refusal['params']): never {
  const refusal: Refusal = params ? { code, params } : { code };
  throw ApplicationFailure.create({ type: 'Refused', message: code, details: [refusal], nonRetryable: true });
}
