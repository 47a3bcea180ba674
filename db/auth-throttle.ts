import { createHash } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import { recordFailure, type FailureOutcome, type ThrottlePolicy } from '../domain/auth-throttle.js';
import type { Db } from './client.js';
import { authThrottle } from './schema.js';

/*
 * Why a table and not a rate-limiting library: the counts must hold across every web process,
 * so they live in PostgreSQL. The maintained choice, rate-limiter-flexible, is not installed and
 * its PostgreSQL store needs the `pg` driver next to our postgres.js; the policy itself is a few
 * lines of pure logic (domain/auth-throttle.ts) and the storage one row per key, written under a
 * row lock so concurrent failures from several processes all count.
 */

/** The e-mail is hashed: typed addresses (typos, guesses, unknown ones) are not kept in the clear. */
export const accountKey = (email: string) => `login-account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
export const addressKey = (scope: 'login' | 'api', ip: string | null | undefined) => `${scope}-address:${ip ?? 'unknown'}`;

export interface ActiveLock {
  key: string;
  lockedUntil: Date;
}

/** The lock among `keys` that lasts longest, if any is locked at `now`. */
export async function findActiveLock(db: Db, keys: string[], now: Date): Promise<ActiveLock | null> {
  const [row] = await db
    .select({ key: authThrottle.key, lockedUntil: authThrottle.lockedUntil })
    .from(authThrottle)
    .where(and(inArray(authThrottle.key, keys), gt(authThrottle.lockedUntil, now)))
    .orderBy(desc(authThrottle.lockedUntil))
    .limit(1);
  return row?.lockedUntil ? { key: row.key, lockedUntil: row.lockedUntil } : null;
}

/** Counts one failure for `key` (row-locked, so concurrent failures from several processes all count). */
export async function countFailure(db: Db, key: string, policy: ThrottlePolicy, now: Date): Promise<FailureOutcome> {
  const outcome = await db.transaction(async (tx) => {
    await tx
      .insert(authThrottle)
      .values({ key, failures: 0, windowStartedAt: now, lockouts: 0, updatedAt: now })
      .onConflictDoNothing({ target: authThrottle.key });
    const [row] = await tx.select().from(authThrottle).where(eq(authThrottle.key, key)).for('update');
    const result = recordFailure(row ?? null, now, policy);
    await tx.update(authThrottle).set(result.state).where(eq(authThrottle.key, key));
    return result;
  });
  if (outcome.lockedNow) await forgetQuietKeys(db, policy, now);
  return outcome;
}

/** A successful sign-in clears the account's failures and past locks. */
export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(authThrottle).where(eq(authThrottle.key, key));
}

/**
 * Rows quiet for longer than the policy remembers (after their last failure and their lock) are
 * dropped, as recordFailure would forget them. Run when a lock starts: rare in normal use, and
 * exactly when guessing fills the table.
 */
async function forgetQuietKeys(db: Db, policy: ThrottlePolicy, now: Date): Promise<void> {
  const before = new Date(now.getTime() - policy.forgetAfterMs);
  await db.delete(authThrottle).where(and(lt(authThrottle.updatedAt, before), or(isNull(authThrottle.lockedUntil), lt(authThrottle.lockedUntil, before))));
}
