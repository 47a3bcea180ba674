/**
 * Why a review refused a staff action or a tenant's reminder. Workflows refuse with a code and
 * the facts; people read it in their own language (i18n), so no English leaks into a
 * Chinese page.
 */
export const REFUSAL_CODES = [
  'stale_round',
  'withdrawn',
  'already_decided',
  'closed',
  'role_may_not_decide',
  'role_may_not_claim',
  'role_may_not_reply',
  'role_may_not_assign',
  'not_assigned_to_you',
  'reason_required',
  'claimed_by_other',
  'not_pending',
  'limit_reached',
  'cool_down',
  'not_provisioning',
  'role_may_not_issue',
  'unknown_city',
  'over_issue',
  'duplicate_number',
  'invalid_number',
  'nothing_to_issue',
  'number_taken',
  'precheck_running',
  'service_unavailable',
  'enterprise_not_approved',
  'app_not_normal',
  'enterprise_not_fixed_line',
  'enterprise_type_mismatch',
  'service_not_applied',
  'service_pending',
  'service_rejected',
  'service_cancelled',
  'service_frozen',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  /** Facts the wording needs, e.g. who decided and when. */
  params?: Record<string, string>;
}

export function isRefusal(v: unknown): v is Refusal {
  return typeof v === 'object' && v !== null && (REFUSAL_CODES as readonly string[]).includes((v as { code?: string }).code ?? '');
}
