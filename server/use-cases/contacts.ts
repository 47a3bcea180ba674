import { contactInput, MAX_CONTACTS_PER_TENANT, type ContactInput } from '../../domain/contacts.js';
import { countContacts, deleteContact, insertContact, lockTenant, updateContact, type ContactRow } from '../../db/contacts.js';
import type { TenantRow } from '../../db/tenants.js';
import type { AppDeps } from '../deps.js';
import type { Language } from '../../domain/labels.js';
import { keyedConflict, notFound, say, validationFailed } from '../errors.js';

export function parseContact(body: unknown, lang: Language = 'en'): ContactInput {
  const parsed = contactInput.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  return parsed.data;
}

/** A tenant adds a contact; the eleventh is refused (at most 10). */
export async function addContact(deps: Pick<AppDeps, 'db'>, tenant: TenantRow, body: unknown, lang: Language = 'en'): Promise<ContactRow> {
  const input = parseContact(body, lang);
  return deps.db.transaction(async (tx) => {
    await lockTenant(tx, tenant.id);
    if ((await countContacts(tx, tenant.id)) >= MAX_CONTACTS_PER_TENANT) {
      throw keyedConflict(say('api.contactLimit', { max: MAX_CONTACTS_PER_TENANT }));
    }
    return insertContact(tx, tenant.id, input);
  });
}

export async function changeContact(deps: Pick<AppDeps, 'db'>, tenant: TenantRow, id: string, body: unknown, lang: Language = 'en'): Promise<ContactRow> {
  const input = parseContact(body, lang);
  const row = await updateContact(deps.db, tenant.id, id, input);
  if (!row) throw notFound('contact');
  return row;
}

export async function removeContact(deps: Pick<AppDeps, 'db'>, tenant: TenantRow, id: string): Promise<void> {
  if (!(await deleteContact(deps.db, tenant.id, id))) throw notFound('contact');
}

export function contactView(c: ContactRow) {
  return { id: c.id, name: c.name, mobile: c.mobile, email: c.email, language: c.language, subscriptions: c.subscriptions, createdAt: c.createdAt.toISOString() };
}
