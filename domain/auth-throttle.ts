/**
 * Counting failed sign-ins and unknown API keys, and when they lock further attempts out.
 * Pure: the state is read and written by db/auth-throttle.ts, the clock is the caller's.
 */

export interface ThrottlePolicy {
  /** Failures within one window that lock the key. */
  maxFailures: number;
  windowMs: number;
  /** The first lock's length. */
  lockMs: number;
  /** Each further lock of the same key lasts twice as long as the one before, up to maxLockMs. */
  growing: boolean;
  maxLockMs: number;
  /** A key quiet for this long (after its last failure or lock) starts again from nothing: past locks no longer make the next longer. */
  forgetAfterMs: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * One account (a typed e-mail, known or not: an unknown one is counted the same, so a lock says
 * nothing about whether the account exists). A successful sign-in clears it; the window is a day
 * so that a slow guesser spreading attempts out still meets the lock.
 */
export const ACCOUNT_POLICY: ThrottlePolicy = { maxFailures: 5, windowMs: DAY, lockMs: 15 * MINUTE, growing: true, maxLockMs: DAY, forgetAfterMs: DAY };

/** One client address trying many accounts. A success does not clear it (one good login must not reset a guesser). */
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, growing: false, maxLockMs: 15 * MINUTE, forgetAfterMs: DAY };

/** One client address sending unknown tenant API keys. */
export const API_KEY_ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE, growing: false, maxLockMs: 15 * MINUTE, forgetAfterMs: DAY };

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
  lockouts: number;
  updatedAt: Date;
}

export interface FailureOutcome {
  state: ThrottleState;
  /** This failure started a lock (it is audited; later refusals are not new locks). */
  lockedNow: boolean;
}

export function isLocked(state: Pick<ThrottleState, 'lockedUntil'> | null | undefined, now: Date): boolean {
  return !!state?.lockedUntil && state.lockedUntil.getTime() > now.getTime();
}

/** The length of the n-th lock (n from 1). */
export function lockLength(policy: ThrottlePolicy, lockouts: number): number {
  if (!policy.growing) return policy.lockMs;
  const doublings = Math.min(Math.max(lockouts - 1, 0), 30);
  return Math.min(policy.lockMs * 2 ** doublings, policy.maxLockMs);
}

/** Counts one failure at `now`; the key is expected not to be locked (a locked key is refused before anything is checked). */
export function recordFailure(previous: ThrottleState | null, now: Date, policy: ThrottlePolicy): FailureOutcome {
  const t = now.getTime();
  const quietSince = previous ? Math.max(previous.updatedAt.getTime(), previous.lockedUntil?.getTime() ?? 0) : 0;
  let state: ThrottleState =
    previous && t - quietSince < policy.forgetAfterMs
      ? { ...previous }
      : { failures: 0, windowStartedAt: now, lockedUntil: null, lockouts: 0, updatedAt: now };
  if (isLocked(state, now)) return { state, lockedNow: false };
  if (t - state.windowStartedAt.getTime() >= policy.windowMs) state = { ...state, failures: 0, windowStartedAt: now };
  state.failures += 1;
  state.updatedAt = now;
  if (state.failures < policy.maxFailures) return { state, lockedNow: false };
  const lockouts = state.lockouts + 1;
  return {
    state: { failures: 0, windowStartedAt: now, lockedUntil: new Date(t + lockLength(policy, lockouts)), lockouts, updatedAt: now },
    lockedNow: true,
  };
}

/** Whole seconds until `until`, at least 1: the value of a Retry-After header. */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
