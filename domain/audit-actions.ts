/**
 * Every action the audit log records and every kind of object it names. Writers can only use
 * these, and each has wording in both languages, so the log never shows a bare code.
 */
export const AUDIT_ACTIONS = [
  'api_key.address_locked',
  'api_key.issue',
  'api_key.revoke',
  'app.create',
  'app.quality_check_opt_out_requested',
  'app.secret_rotate',
  'app.update',
  'audit.export',
  'calendar.change',
  'contact.create',
  'contact.delete',
  'contact.update',
  'declaration.publish',
  'notice.manual',
  'notice.resend',
  'numbers.issue',
  'numbers.release',
  'review.approve',
  'review.assign',
  'review.bulk_decide',
  'review.claim',
  'review.note',
  'review.reject',
  'review.release',
  'review.reply',
  'rules.change',
  'rules.restore',
  'staff.activate',
  'staff.change',
  'staff.create',
  'staff.deactivate',
  'staff.invite',
  'staff.login',
  'staff.login_failed',
  'staff.login_locked',
  'staff.login_refused',
  'staff.logout',
  'staff.password_change',
  'staff.password_reset',
  'staff.update',
  'statistics.export',
  'template.change',
  'template.reset',
  'tenant.app_quota',
  'tenant.create',
  'createVoiceCallService',
  'freezeVoiceCallService',
  'resumeVoiceCallService',
  'cancelVoiceCallService',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Older names of an action, still in the rows they were written to; searched and listed as the action itself. */
const FORMER_NAMES: Partial<Record<AuditAction, AuditAction[]>> = { 'staff.change': ['staff.update'] };

/** The action a code is listed as: itself, or the action it is a former name of. */
export function currentAction(code: string): string {
  for (const [current, former] of Object.entries(FORMER_NAMES)) if ((former as string[]).includes(code)) return current;
  return code;
}

/** Every code the rows of an action may carry. */
export function actionCodes(action: string): string[] {
  return [action, ...(FORMER_NAMES[action as AuditAction] ?? [])];
}

export const AUDIT_OBJECT_TYPES = [
  'address',
  'api_key',
  'app',
  'audit_log',
  'bulk_job',
  'calendar',
  'contact',
  'deadline_rule',
  'declaration',
  'notice',
  'notice_template',
  // eslint-disable-next-line no-restricted-syntax -- the audit log's noun for an order row, stored in its rows; it only shares the kind's name.
  'number_order',
  'review',
  'rule_set',
  'staff',
  'statistics',
  'tenant',
  'tenant_service',
  'unsubscribe_batch',
] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];
