import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { apps, enterprises, tenantServices } from './schema.js';
import type { ServiceState } from '../domain/business-types.js';
import type { OrderFacts } from '../domain/gates.js';
import { UUID } from '../domain/ids.js';


/** The tenant's standing in one business type (`none` when it never applied). */
export async function serviceState(db: Db | Tx, tenantId: string, businessType: string, lock = false): Promise<ServiceState> {
  const q = db
    .select({ state: tenantServices.state })
    .from(tenantServices)
    .where(and(eq(tenantServices.tenantId, tenantId), eq(tenantServices.businessType, businessType)));
  const [row] = lock ? await q.for('share') : await q;
  return (row?.state as ServiceState | undefined) ?? 'none';
}

export interface OrderGateFacts extends OrderFacts {
  /** What the wording names: the enterprise and the app as the tenant knows them. */
  names: { company: string; app: string; appId: string; enterpriseType: string | null; appType: string | null };
}

/**
 * Everything an order is judged by, read together. In a transaction (`lock`) the enterprise, the
 * app and the service are share-locked, so the order, approval or issue commits against what it
 * checked: a freeze or an edit waits for it, or it waits for them and sees them.
 */
export async function readOrderFacts(db: Db | Tx, tenantId: string, enterpriseId: string, appId: string, lock = false): Promise<OrderGateFacts> {
  const eq1 = db
    .select({ status: enterprises.status, fixedLine: enterprises.fixedLine, businessType: enterprises.businessType, companyName: enterprises.companyName })
    .from(enterprises)
    .where(and(eq(enterprises.id, enterpriseId), eq(enterprises.tenantId, tenantId)));
  const [enterprise] = lock ? await eq1.for('share') : await eq1;
  const app1 = UUID.test(appId) ? db.select({ status: apps.status, businessType: apps.businessType, name: apps.name }).from(apps).where(and(eq(apps.id, appId), eq(apps.tenantId, tenantId))) : undefined;
  const [app] = app1 ? (lock ? await app1.for('share') : await app1) : [];
  const service = app ? await serviceState(db, tenantId, app.businessType, lock) : 'none';
  return {
    enterprise,
    app,
    service,
    names: { company: enterprise?.companyName ?? enterpriseId, app: app?.name ?? appId, appId, enterpriseType: enterprise?.businessType ?? null, appType: app?.businessType ?? null },
  };
}
