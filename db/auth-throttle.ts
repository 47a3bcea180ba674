import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { isLocked, recordFailure, type ThrottlePolicy, type ThrottleState } from '../domain/auth-throttle.js';
import type { Db } from './client.js';
import { authThrottle } from './schema.js';

/*
 * Why a table and not a rate-limiting library: the counts must hold across every web process,
 * so they live in PostgreSQL. The maintained choice, rate-limiter-flexible, is not installed and
 * its PostgreSQL store needs the `pg` driver next to our postgres.js; the policy itself is a few
 * lines of pure logic (domain/auth-throttle.ts) and the storage one row per key, written under a
 * row lock so concurrent failures from several processes all count.
 *
 * An attempt is counted before it is checked, in the same step that looks at the lock
 * (reserveAttempt): otherwise thirty guesses sent at once would all pass the look at the lock
 * before any of them was counted, and all be checked. A guess that turns out right gives its
 * count back (or clears the account's).
 */

/** The e-mail is hashed: typed addresses (typos, guesses, unknown ones) are not kept in the clear. */
export const accountKey = (email: string) => `login-account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
export const addressKey = (scope: 'login' | 'api', ip: string | null | undefined) => `${scope}-address:${ip ?? 'unknown'}`;

/** One attempt, counted before it is checked: refused when the key was already locked. */
export type Reservation =
  | { key: string; allowed: false; lockedUntil: Date }
  | { key: string; allowed: true; lockedNow: boolean; state: ThrottleState; before: ThrottleState | null };

/**
 * Looks at the key's lock and counts the attempt as a failure, in one transaction on its row:
 * however many attempts arrive at once, no more than the policy allows get past (the one that
 * reaches the limit still does, and starts the lock).
 */
export async function reserveAttempt(db: Db, key: string, policy: ThrottlePolicy, now: Date): Promise<Reservation> {
  const reservation = await db.transaction(async (tx): Promise<Reservation> => {
    await tx
      .insert(authThrottle)
      .values({ key, failures: 0, windowStartedAt: now, lockouts: 0, updatedAt: now })
      .onConflictDoNothing({ target: authThrottle.key });
    const [row] = await tx.select().from(authThrottle).where(eq(authThrottle.key, key)).for('update');
    if (row && isLocked(row, now)) return { key, allowed: false, lockedUntil: row.lockedUntil! };
    const before = row ? stateOf(row) : null;
    const result = recordFailure(before, now, policy);
    await tx.update(authThrottle).set(result.state).where(eq(authThrottle.key, key));
    return { key, allowed: true, lockedNow: result.lockedNow, state: result.state, before };
  });
  if (reservation.allowed && reservation.lockedNow) await forgetQuietKeys(db, policy, now);
  return reservation;
}

/**
 * Gives back the count of an attempt that turned out right. If its count started the lock, the
 * lock is lifted again (nothing else can have counted meanwhile: a locked key counts nothing).
 */
export async function refundAttempt(db: Db, reservation: Reservation): Promise<void> {
  if (!reservation.allowed) return;
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(authThrottle).where(eq(authThrottle.key, reservation.key)).for('update');
    if (!row) return;
    if (reservation.lockedNow && row.lockedUntil?.getTime() === reservation.state.lockedUntil?.getTime()) {
      if (reservation.before) await tx.update(authThrottle).set(reservation.before).where(eq(authThrottle.key, reservation.key));
      else await tx.delete(authThrottle).where(eq(authThrottle.key, reservation.key));
    } else if (row.failures > 0) {
      await tx.update(authThrottle).set({ failures: row.failures - 1 }).where(eq(authThrottle.key, reservation.key));
    }
  });
}

const stateOf = (row: typeof authThrottle.$inferSelect): ThrottleState => ({
  failures: row.failures,
  windowStartedAt: row.windowStartedAt,
  lockedUntil: row.lockedUntil,
  lockouts: row.lockouts,
  updatedAt: row.updatedAt,
});

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
