/**
 * Whom a new review goes to. Pure: the caller reads who may take it, their open work and whom the
 * kind gave its last review to.
 */
import type { AssignmentPolicy } from './rule-set.js';

export interface Candidate {
  id: string;
  /** Pending reviews assigned to them now (claims included). */
  load: number;
}

/**
 * Round robin: the next candidate after the last one chosen, in a stable order (by id), wrapping
 * around. Least loaded: the candidate with the fewest open reviews; ties go round robin, so equal
 * loads still spread. None, or nobody to choose from: null.
 */
export function chooseAssignee(policy: AssignmentPolicy, candidates: readonly Candidate[], lastId: string | null): string | null {
  if (policy === 'none' || candidates.length === 0) return null;
  const ordered = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = lastId === null ? 0 : ordered.findIndex((c) => c.id > lastId);
  const start = after < 0 ? 0 : after;
  const rotated = [...ordered.slice(start), ...ordered.slice(0, start)];
  if (policy === 'round_robin') return rotated[0]!.id;
  const least = Math.min(...rotated.map((c) => c.load));
  return rotated.find((c) => c.load === least)!.id;
}
