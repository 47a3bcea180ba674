import type { NextFunction, Request, Response } from 'express';
import { appendAudit } from '../../db/audit.js';
import { addressKey, reserveAttempt } from '../../db/auth-throttle.js';
import { findApiKey, type TenantRow } from '../../db/tenants.js';
import { API_KEY_ADDRESS_POLICY, retryAfterSeconds } from '../../domain/auth-throttle.js';
import type { AppDeps } from '../deps.js';
import { keyedError, say } from '../errors.js';

declare module 'express-serve-static-core' {
  interface Locals {
    tenant?: TenantRow;
  }
}

const tooMany = (until: Date, now: Date) => {
  const seconds = retryAfterSeconds(until, now);
  return keyedError(429, 'too_many_unknown_keys', say('api.tooManyUnknownKeys', { seconds }), [{ path: 'Authorization', say: say('api.retryAfter', { seconds }) }], { 'Retry-After': String(seconds) });
};

/**
 * Bearer API key → the tenant; every API route below this sees only that tenant's objects.
 *
 * Unknown keys are counted per client address and, past the limit, answered 429 with
 * Retry-After. A valid key is looked up first and never touches the counts, so tenants pay
 * nothing for the limit, even behind an address shared with a scanner. That a locked address
 * still tells a valid key from an unknown one is accepted: keys are long random strings (generated
 * ones carry 144 random bits), so the limit is there to slow scanning and make it visible, not to
 * protect a key space small enough to guess.
 */
export function requireTenant(deps: AppDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw keyedError(401, 'unauthorized', say('api.unauthorized.noKey'), [{ path: 'Authorization', say: say('api.unauthorized.header') }], { 'WWW-Authenticate': 'Bearer' });
    }
    const found = await findApiKey(deps.db, match[1]);
    if (found) {
      res.locals.tenant = found.tenant;
      res.locals.apiKeyId = found.keyId;
      next();
      return;
    }
    const now = deps.now();
    // Looked at and counted in one step: unknown keys sent at once cannot all pass an unlocked look.
    const policy = { ...API_KEY_ADDRESS_POLICY, maxFailures: deps.apiKeyGuessesPerAddress };
    const counted = await reserveAttempt(deps.db, addressKey('api', req.ip), policy, now);
    if (!counted.allowed) throw tooMany(counted.lockedUntil, now);
    if (counted.lockedNow && counted.state.lockedUntil) {
      await appendAudit(deps.db, { actorType: 'tenant', actorId: null, actorLabel: null, action: 'api_key.address_locked', objectType: 'address', objectId: req.ip ?? null, ip: req.ip ?? null, details: { lockedUntil: counted.state.lockedUntil.toISOString(), failures: policy.maxFailures } });
      throw tooMany(counted.state.lockedUntil, now);
    }
    throw keyedError(401, 'unauthorized', say('api.unauthorized.unknownKey'), [{ path: 'Authorization', say: say('api.unauthorized.header') }], { 'WWW-Authenticate': 'Bearer' });
  };
}

export function tenantOf(res: Response): TenantRow {
  const tenant = res.locals.tenant;
  if (!tenant) throw keyedError(401, 'unauthorized', say('api.unauthorized.noKey'));
  return tenant;
}

/** Who sent a request, as a submission records it: the API key's id and the client address. */
export function callerOf(req: Request, res: Response): { apiKeyId: string | null; ip: string | null } {
  return { apiKeyId: typeof res.locals.apiKeyId === 'string' ? res.locals.apiKeyId : null, ip: req.ip ?? null };
}
