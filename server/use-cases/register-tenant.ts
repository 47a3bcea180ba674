import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { insertContact } from '../../db/contacts.js';
import { findTenantByName, insertTenantWithKey } from '../../db/tenants.js';
import { contactInput } from '../../domain/contacts.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import { text } from '../../domain/text.js';
import type { AppDeps } from '../deps.js';
import { keyedError, say, validationFailed } from '../errors.js';
import { isUniqueViolation } from './idempotency.js';

/** The registration form: the tenant's name and its first contact, as the tenant API takes a contact. */
const registration = z.object({ tenantName: text({ trim: true, min: 1, max: 100 }), contact: contactInput });

const nameTaken = (lang: Language) => keyedError(409, 'tenant_name_taken', say('tenants.nameTaken'), [{ path: 'tenantName', say: say('tenants.nameTaken') }], {}, lang);

/**
 * An admin registers a tenant: the tenant, its first contact and its first API key are written
 * together with the audit row, or none of them. The key is answered this once; only its hash is kept.
 */
export async function registerTenant(
  deps: Pick<AppDeps, 'db'>,
  actor: Actor,
  body: { tenantName: unknown; contact: unknown },
  meta: { ip: string | null; lang: Language },
): Promise<{ tenantId: string; name: string; key: string }> {
  const parsed = registration.safeParse(body);
  // A contact's refusal names its field alone (mobile, not contact.mobile): the form shows it there.
  if (!parsed.success) throw validationFailed(new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: i.path[0] === 'contact' ? i.path.slice(1) : i.path }))), meta.lang);
  const { tenantName, contact } = parsed.data;
  if (await findTenantByName(deps.db, tenantName)) throw nameTaken(meta.lang);
  try {
    return await deps.db.transaction(async (tx) => {
      const { tenant, keyId, key } = await insertTenantWithKey(tx, tenantName, 'registration');
      const first = await insertContact(tx, tenant.id, contact);
      await appendAudit(tx, {
        actorType: 'staff',
        actorId: actor.id,
        actorLabel: actor.name,
        action: 'tenant.create',
        objectType: 'tenant',
        objectId: tenant.id,
        ip: meta.ip,
        details: { name: tenantName, contactId: first.id, keyId },
      });
      return { tenantId: tenant.id, name: tenant.name, key };
    });
  } catch (err) {
    // Two admins registering one name at once: the second is told as if it had checked first.
    if (isUniqueViolation(err)) throw nameTaken(meta.lang);
    throw err;
  }
}
