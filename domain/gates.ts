/**
 * The platform's gates: what must hold for a tenant to create an app, order numbers for it, or
 * change it. Each answers a code (or null when the way is open); the tenant API, the staff
 * Updates (approval, issue) and the pages word the code in their reader's language. The same
 * function is asked at intake and again when staff act, because the facts can change between.
 * Pure: no I/O.
 */
import type { ServiceState } from './business-types.js';

export type ServiceRefusalCode = 'service_not_applied' | 'service_pending' | 'service_rejected' | 'service_cancelled' | 'service_frozen';

/** Why a business type cannot be used now, or null when it is active. */
export function serviceRefusal(state: ServiceState): ServiceRefusalCode | null {
  switch (state) {
    case 'active':
      return null;
    case 'none':
      return 'service_not_applied';
    case 'pending':
      return 'service_pending';
    case 'rejected':
      return 'service_rejected';
    case 'cancelled':
      return 'service_cancelled';
    case 'frozen':
      return 'service_frozen';
  }
}

export type OrderGateCode = 'enterprise_not_approved' | 'app_not_normal' | 'enterprise_not_fixed_line' | 'enterprise_type_mismatch' | ServiceRefusalCode;

/** What an order is judged against: its enterprise, its app and the tenant's standing in the app's business type. */
export interface OrderFacts {
  /** Undefined when the enterprise is not this tenant's (or does not exist). */
  enterprise?: { status: string; fixedLine: boolean; businessType: string | null };
  /** Undefined when the app is not this tenant's (or does not exist). */
  app?: { status: string; businessType: string };
  /** The tenant's standing in the app's business type. */
  service: ServiceState;
}

export interface OrderGateRefusal {
  code: OrderGateCode;
  /** The field of the order it concerns. */
  path: 'enterpriseId' | 'appId';
  /** 422 for an order that names the wrong things; 409 for a state that does not allow it now. */
  status: 409 | 422;
}

/**
 * Whether numbers may be ordered (or approved, or issued) for this enterprise and app. Every number
 * the platform issues is a fixed-line number, so the enterprise must have applied for fixed lines;
 * it must be qualified for the app's business type; and that type must be active (a frozen type's
 * apps order nothing).
 */
export function orderGate(f: OrderFacts): OrderGateRefusal | null {
  if (f.enterprise?.status !== 'approved') return { code: 'enterprise_not_approved', path: 'enterpriseId', status: 422 };
  if (f.app?.status !== 'normal') return { code: 'app_not_normal', path: 'appId', status: 422 };
  const service = serviceRefusal(f.service);
  if (service) return { code: service, path: 'appId', status: 409 };
  if (!f.enterprise.fixedLine) return { code: 'enterprise_not_fixed_line', path: 'enterpriseId', status: 409 };
  if (f.enterprise.businessType !== f.app.businessType) return { code: 'enterprise_type_mismatch', path: 'enterpriseId', status: 409 };
  return null;
}

/** An app changes nothing while its business type is frozen. */
export function appChangeRefusal(service: ServiceState): 'service_frozen' | null {
  return service === 'frozen' ? 'service_frozen' : null;
}

/** What the tenant sees as an app's status: its own, or `frozen` while its business type is. */
export function shownAppStatus(status: string, service: ServiceState): string {
  return service === 'frozen' ? 'frozen' : status;
}
