import { appendAudit } from '../../db/audit.js';
import { issueApiKey, revokeApiKey } from '../../db/tenants.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';

/** An admin issues a tenant a key: the key itself is returned this once, then only its hash is kept. */
export async function issueTenantKey(deps: Pick<AppDeps, 'db'>, actor: Actor, tenantId: string, label: string, meta: { ip: string | null }): Promise<{ id: string; key: string }> {
  const issued = await issueApiKey(deps.db, tenantId, label);
  await appendAudit(deps.db, { actorType: 'staff', actorId: actor.id, actorLabel: actor.name, action: 'api_key.issue', objectType: 'tenant', objectId: tenantId, ip: meta.ip, details: { keyId: issued.id, label } });
  return issued;
}

/** An admin revokes a key; requests carrying it are refused from now on. */
export async function revokeTenantKey(deps: Pick<AppDeps, 'db'>, actor: Actor, tenantId: string, keyId: string, meta: { ip: string | null }): Promise<void> {
  if (!(await revokeApiKey(deps.db, tenantId, keyId))) throw notFound('API key');
  await appendAudit(deps.db, { actorType: 'staff', actorId: actor.id, actorLabel: actor.name, action: 'api_key.revoke', objectType: 'tenant', objectId: tenantId, ip: meta.ip, details: { keyId } });
}
