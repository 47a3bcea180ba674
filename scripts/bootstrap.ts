import * as argon2 from '@node-rs/argon2';
import type { Db } from '../db/client.js';
import { appendAudit } from '../db/audit.js';
import { countStaff, createStaff } from '../db/staff.js';
import { ensureTenantWithKey } from '../db/tenants.js';
import type { Config } from '../runtime/config.js';
import type { Logger } from '../runtime/logger.js';

/** ADMIN_EMAIL/ADMIN_PASSWORD make the first admin; BOOTSTRAP_TENANT_* make a tenant and its key. */
export async function bootstrap(db: Db, config: Config, log: Logger): Promise<void> {
  const b = config.bootstrap;
  if (b.adminEmail && b.adminPassword && (await countStaff(db)) === 0) {
    const admin = await createStaff(db, { email: b.adminEmail, name: 'Administrator', passwordHash: await argon2.hash(b.adminPassword), role: 'admin' });
    await appendAudit(db, { actorType: 'system', actorId: null, actorLabel: 'bootstrap', action: 'staff.create', objectType: 'staff', objectId: admin.id, details: { role: 'admin' } });
    log.info({ email: b.adminEmail }, 'created the first admin from ADMIN_EMAIL');
  }
  if (b.tenantName && b.tenantApiKey) {
    const tenant = await ensureTenantWithKey(db, b.tenantName, b.tenantApiKey);
    log.info({ tenant: tenant.name }, 'bootstrap tenant and API key are present');
  }
}
