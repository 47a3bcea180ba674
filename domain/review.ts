/** Vocabulary shared by workflows, activities and the server: kinds, states, decisions. */

export const REVIEW_KINDS = [
  'service_activation',
  'enterprise_qualification',
  'voice_template',
  'audio_file',
  'quality_check_opt_out',
  'number_order',
  'number_unsubscribe',
] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const REVIEW_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'cancelled',
  'withdrawn',
  'provisioning',
  'issued',
  'checking',
  'completed',
  'partially_succeeded',
  'check_failed',
] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export type SlaState = 'on_track' | 'at_risk' | 'breached';
export type DecisionOutcome = 'approved' | 'rejected';

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

export const ROLES = ['reviewer', 'supervisor', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who may decide a review. Auditors read everything and change nothing. */
export function canDecide(role: Role): boolean {
  return role === 'reviewer' || role === 'supervisor' || role === 'admin';
}

/** A reviewer decides only work that is unassigned or assigned to them; supervisors and admins override. */
export function mayDecideAssigned(actor: Actor, assigneeId: string | null): boolean {
  if (assigneeId === null || assigneeId === actor.id) return true;
  return actor.role === 'supervisor' || actor.role === 'admin';
}

/** Supervisors and admins hand work out; reviewers only take it themselves. */
export function mayAssign(role: Role): boolean {
  return role === 'supervisor' || role === 'admin';
}

/** Who holds a round now: a claim idle for longer than the limit has lapsed. */
export function currentHolder(assigneeId: string | null, assignedAt: string | Date | null | undefined, idleMinutes: number | undefined, now: number): string | null {
  if (assigneeId === null) return null;
  if (!idleMinutes || !assignedAt) return assigneeId;
  return now - new Date(assignedAt).getTime() > idleMinutes * 60_000 ? null : assigneeId;
}

export interface DecisionInput {
  round: number;
  outcome: DecisionOutcome;
  reasonCode: string | null;
  reasonText: string | null;
  /** The facts an automatic rejection found (words, counts), worded for each reader by its code; never text. */
  reasonParams?: Record<string, unknown>;
}

/** The automatic pre-check decides in nobody's name. */
export interface SystemActor {
  id: 'system';
  name: string;
  role: 'system';
}
export type DecisionMaker = Actor | SystemActor;
export const AUTOMATIC_CHECK: SystemActor = { id: 'system', name: 'automatic check', role: 'system' };

export interface Decision extends DecisionInput {
  decidedAt: string;
  decidedBy: DecisionMaker;
}

export function workflowIdFor(reviewId: string, round: number): string {
  return `review-${reviewId}-round-${round}`;
}
