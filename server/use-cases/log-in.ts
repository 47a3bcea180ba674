import * as argon2 from '@node-rs/argon2';
import { appendAudit } from '../../db/audit.js';
import { accountKey, addressKey, clearFailures, refundAttempt, reserveAttempt } from '../../db/auth-throttle.js';
import type { Db } from '../../db/client.js';
import { createSession, deleteSession, findStaffByEmail } from '../../db/staff.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY } from '../../domain/auth-throttle.js';

// A hash to verify against when the email is unknown, so both paths take the same time.
const DUMMY_HASH = argon2.hash('not-a-real-password-0000');

const scopeOf = (key: string) => (key.startsWith('login-account:') ? 'account' : 'address');

type LoginAction = 'staff.login' | 'staff.login_failed' | 'staff.login_refused' | 'staff.login_locked' | 'staff.logout';

/** Every row the login door writes to the audit log: who (as known, else the e-mail typed), from where, what. */
async function auditLogin(db: Db, action: LoginAction, who: { id: string | null; label: string }, ip: string | null, details?: Record<string, unknown>): Promise<void> {
  await appendAudit(db, { actorType: 'staff', actorId: who.id, actorLabel: who.label, action, objectType: 'staff', objectId: who.id, ip, ...(details ? { details } : {}) });
}

export type LoginResult = { outcome: 'locked'; until: Date } | { outcome: 'failed' } | { outcome: 'ok'; token: string };

export interface LoginAttempt {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  /** The session the request came with, which a login always ends. */
  previousSession?: string;
}

/**
 * A staff member logs in: a locked account or address is refused before the password is looked at, a wrong
 * password counts towards a lock, a right one starts a new session. Each outcome is audited.
 */
export async function logIn(deps: { db: Db; now: () => Date }, a: LoginAttempt): Promise<LoginResult> {
  const { db } = deps;
  const now = deps.now();
  const keys = { account: accountKey(a.email), address: addressKey('login', a.ip) };
  // The attempt is counted in the same step as the lock's look, for both keys: guesses sent at once cannot
  // all pass it. Unknown e-mails are counted like known ones: a lock must not tell whether the account exists.
  const reserved = await Promise.all([reserveAttempt(db, keys.account, ACCOUNT_POLICY, now), reserveAttempt(db, keys.address, ADDRESS_POLICY, now)]);
  const refused = reserved.filter((r) => !r.allowed);
  if (refused.length > 0) {
    await Promise.all(reserved.map((r) => refundAttempt(db, r)));
    const lock = refused.reduce((x, y) => (x.lockedUntil >= y.lockedUntil ? x : y));
    await auditLogin(db, 'staff.login_refused', { id: null, label: a.email }, a.ip, { reason: 'locked', scope: scopeOf(lock.key), lockedUntil: lock.lockedUntil.toISOString() });
    return { outcome: 'locked', until: lock.lockedUntil };
  }

  const member = a.email ? await findStaffByEmail(db, a.email) : undefined;
  const ok = member?.active ? await argon2.verify(member.passwordHash, a.password) : (await argon2.verify(await DUMMY_HASH, a.password), false);
  if (!member || !ok) {
    const who = { id: member?.id ?? null, label: a.email };
    await auditLogin(db, 'staff.login_failed', who, a.ip);
    let lockedUntil: Date | null = null;
    for (const c of reserved) {
      if (!c.allowed || !c.lockedNow) continue;
      lockedUntil = c.state.lockedUntil;
      await auditLogin(db, 'staff.login_locked', who, a.ip, { scope: scopeOf(c.key), lockedUntil: c.state.lockedUntil?.toISOString() ?? null, lockouts: c.state.lockouts });
    }
    return lockedUntil ? { outcome: 'locked', until: lockedUntil } : { outcome: 'failed' };
  }
  // Right: the address gets this attempt's count back (a success does not reset a guesser's count).
  await refundAttempt(db, reserved[1]!);
  await clearFailures(db, keys.account);
  // A new session id at every login; whatever session came with the request ends here.
  if (a.previousSession) await deleteSession(db, a.previousSession);
  const token = await createSession(db, member.id, { ip: a.ip, userAgent: a.userAgent });
  await auditLogin(db, 'staff.login', { id: member.id, label: member.name }, a.ip);
  return { outcome: 'ok', token };
}

/** A staff member logs out: the session ends, audited when it was someone's. */
export async function logOut(db: Db, session: { token?: string; staff?: { id: string; name: string }; ip: string | null }): Promise<void> {
  if (session.token) await deleteSession(db, session.token);
  if (session.staff) await auditLogin(db, 'staff.logout', { id: session.staff.id, label: session.staff.name }, session.ip);
}
