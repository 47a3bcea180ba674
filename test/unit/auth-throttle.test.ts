import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  isLocked,
  lockLength,
  recordFailure,
  retryAfterSeconds,
  type ThrottleState,
} from '../../domain/auth-throttle.js';

const MINUTE = 60_000;
const t0 = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

/** Failures one second apart from `start`; returns the last outcome and the state. */
function fail(times: number, start: Date, policy = ACCOUNT_POLICY, from: ThrottleState | null = null) {
  let state = from;
  let last = recordFailure(state, start, policy);
  state = last.state;
  for (let i = 1; i < times; i++) {
    last = recordFailure(state, new Date(start.getTime() + i * 1000), policy);
    state = last.state;
  }
  return last;
}

describe('counting failed sign-ins per account', () => {
  it('when 4 passwords are wrong, then the account is not locked; when the 5th is, then it is locked for 15 minutes from then', () => {
    const four = fail(4, t0);
    expect(four.lockedNow).toBe(false);
    expect(isLocked(four.state, at(4000))).toBe(false);
    const fifth = recordFailure(four.state, at(4000), ACCOUNT_POLICY);
    expect(fifth.lockedNow).toBe(true);
    expect(fifth.state.lockedUntil).toEqual(at(4000 + 15 * MINUTE));
    expect(fifth.state.lockouts).toBe(1);
    expect(isLocked(fifth.state, at(4000 + 15 * MINUTE - 1))).toBe(true);
    expect(isLocked(fifth.state, at(4000 + 15 * MINUTE))).toBe(false);
  });

  it('when an account is locked again after its lock ran out, then each lock lasts twice as long, up to a day', () => {
    const first = fail(5, t0);
    const second = fail(5, first.state.lockedUntil!, ACCOUNT_POLICY, first.state);
    expect(second.lockedNow).toBe(true);
    expect(second.state.lockouts).toBe(2);
    expect(second.state.lockedUntil!.getTime() - second.state.updatedAt.getTime()).toBe(30 * MINUTE);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => lockLength(ACCOUNT_POLICY, n) / MINUTE)).toEqual([15, 30, 60, 120, 240, 480, 960, 1440]);
    expect(lockLength(ACCOUNT_POLICY, 50)).toBe(24 * 60 * MINUTE);
  });

  it('when a failure comes while the key is locked, then nothing changes (the lock is not extended or counted twice)', () => {
    const locked = fail(5, t0).state;
    const again = recordFailure(locked, at(60_000), ACCOUNT_POLICY);
    expect(again).toEqual({ state: locked, lockedNow: false });
  });

  it('when an account has been quiet for a day after its lock ended, then its old failures and locks are forgotten; a moment earlier, they are not', () => {
    const locked = fail(5, t0).state;
    const lockEnd = locked.lockedUntil!.getTime() - t0.getTime();
    expect(recordFailure(locked, at(lockEnd + 24 * 60 * MINUTE - 1), ACCOUNT_POLICY).state).toMatchObject({ failures: 1, lockouts: 1 });
    expect(recordFailure(locked, at(lockEnd + 24 * 60 * MINUTE), ACCOUNT_POLICY).state).toMatchObject({ failures: 1, lockouts: 0, lockedUntil: null });
  });
});

describe('counting failures per client address', () => {
  it('when 19 failures come within 15 minutes, then the address is open; the 20th locks it for 15 minutes, and later locks are no longer', () => {
    const nineteen = fail(19, t0, ADDRESS_POLICY);
    expect(nineteen.lockedNow).toBe(false);
    const twentieth = recordFailure(nineteen.state, at(19_000), ADDRESS_POLICY);
    expect(twentieth.lockedNow).toBe(true);
    expect(twentieth.state.lockedUntil).toEqual(at(19_000 + 15 * MINUTE));
    const again = fail(20, twentieth.state.lockedUntil!, ADDRESS_POLICY, twentieth.state);
    expect(again.state.lockedUntil!.getTime() - again.state.updatedAt.getTime()).toBe(15 * MINUTE);
  });

  it('when the failures are spread past the window, then the count starts again', () => {
    const some = fail(19, t0, ADDRESS_POLICY);
    const nextWindow = recordFailure(some.state, at(15 * MINUTE), ADDRESS_POLICY);
    expect(nextWindow).toMatchObject({ lockedNow: false, state: { failures: 1, windowStartedAt: at(15 * MINUTE) } });
  });
});

describe('Retry-After', () => {
  it('when a lock ends in 1.2 s, then the header says 2; when it ended already, then it says 1', () => {
    expect(retryAfterSeconds(at(1200), t0)).toBe(2);
    expect(retryAfterSeconds(t0, at(5000))).toBe(1);
  });
});
