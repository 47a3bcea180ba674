import { auditLog } from './schema.js';
import type { AuditAction, AuditObjectType } from '../domain/audit-actions.js';
import type { Db, Tx } from './client.js';

export interface AuditEntry {
  actorType: 'staff' | 'tenant' | 'system';
  actorId: string | null;
  actorLabel: string | null;
  action: AuditAction;
  objectType: AuditObjectType;
  objectId: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
  /** Set by retried writers (activities) so a retry audits once. */
  dedupeKey?: string;
}

export async function appendAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db
    .insert(auditLog)
    .values({ ...entry, ip: entry.ip ?? null, details: entry.details ?? {}, dedupeKey: entry.dedupeKey ?? null })
    .onConflictDoNothing({ target: auditLog.dedupeKey });
}
