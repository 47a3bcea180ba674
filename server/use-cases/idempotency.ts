import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { idempotencyKeys } from '../../db/schema.js';
import type { Db, Tx } from '../../db/client.js';
import { keyedError, say } from '../errors.js';

export function requestHash(operation: string, body: unknown): string {
  return createHash('sha256').update(operation).update(JSON.stringify(body)).digest('hex');
}

/** The review an earlier request with this key created, or undefined; a different request under the same key is refused. */
export async function findIdempotentReview(
  db: Db,
  tenantId: string,
  key: string | undefined,
  operation: string,
  hash: string,
): Promise<string | undefined> {
  if (!key) return undefined;
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
  if (!row) return undefined;
  if (row.operation !== operation || row.requestHash !== hash) {
    throw keyedError(422, 'idempotency_key_reused', say('api.idempotency.reused'), [{ path: 'Idempotency-Key', say: say('api.idempotency.reusedDetail') }]);
  }
  return row.reviewId;
}

export async function rememberIdempotentReview(
  tx: Tx,
  tenantId: string,
  key: string | undefined,
  operation: string,
  hash: string,
  reviewId: string,
): Promise<void> {
  if (!key) return;
  await tx.insert(idempotencyKeys).values({ tenantId, key, operation, requestHash: hash, reviewId });
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export function validIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw keyedError(400, 'bad_idempotency_key', say('api.idempotency.bad'), [{ path: 'Idempotency-Key', say: say('api.idempotency.badDetail') }]);
  }
  return key;
}
