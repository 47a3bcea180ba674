/** Vocabulary shared by workflows, activities and the server: kinds, states, decisions. */

import type { REVIEW_KINDS } from './kinds/index.js';

/**
 * A review kind's name, as the registry (domain/kinds/index.ts) lists them. Only the type is
 * imported, so the workflows that read this file do not bundle the definitions.
 */
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

/** The SLA state at `now` (ms) of a deadline and its at-risk instant (ISO text or Date). */
export function slaStateAt(now: number, deadline: { dueAt: string | Date; atRiskAt: string | Date | null }): SlaState {
  if (now >= new Date(deadline.dueAt).getTime()) return 'breached';
  if (deadline.atRiskAt !== null && now >= new Date(deadline.atRiskAt).getTime()) return 'at_risk';
  return 'on_track';
}

/** Work that waits for staff, its deadline running: a decision, or numbers to issue (the triggers keeping open_review_counts, migration 0023, name them too). */
export const OPEN_STATUSES = ['pending', 'provisioning'] as const satisfies readonly ReviewStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

export function isOpenStatus(status: string): status is OpenStatus {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}
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

/**
 * Whether a claim made at `assignedAt` has lapsed at `now` (ms). No limit (absent or 0) means a claim
 * never lapses. db/queue.ts says the same in SQL (`claimLapsedSql`) for the queue's filters.
 */
export function claimLapsed(assignedAt: string | Date | null | undefined, idleMinutes: number | undefined, now: number): boolean {
  if (!idleMinutes || !assignedAt) return false;
  return now - new Date(assignedAt).getTime() > idleMinutes * 60_000;
}

/** Who holds a round now: a lapsed claim counts as none. */
export function currentHolder(assigneeId: string | null, assignedAt: string | Date | null | undefined, idleMinutes: number | undefined, now: number): string | null {
  if (assigneeId === null) return null;
  return claimLapsed(assignedAt, idleMinutes, now) ? null : assigneeId;
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
