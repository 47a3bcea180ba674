import type { Role } from '../../domain/review.js';

/** Statistics and the audit log: the roles that oversee the work (reviewers see their own dashboard only). */
export const INSIGHT_READERS: Role[] = ['supervisor', 'admin', 'auditor'];

