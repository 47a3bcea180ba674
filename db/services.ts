import { reasonWithExplanation } from '../i18n/reason-text.js';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { reviews, serviceActivations, tenantServices } from './schema.js';
import { BUSINESS_TYPES, type BusinessType, type ServiceState } from '../domain/business-types.js';
import { serviceActivationKind } from '../domain/kinds/service-activation.js';
import { LANGUAGES } from '../domain/labels.js';
import { findRejectionReason } from './rules.js';

export type TenantServiceRow = typeof tenantServices.$inferSelect;

export interface ServiceStanding {
  businessType: BusinessType;
  state: ServiceState;
  activationId: string | null;
  reviewId: string | null;
  reason: string | null;
  updatedAt: Date | null;
}

/** Every business type with the tenant's standing in it; `none` where it never applied. */
export async function listServices(db: Db | Tx, tenantId: string): Promise<ServiceStanding[]> {
  const rows = await db
    .select({ service: tenantServices, reviewId: serviceActivations.reviewId })
    .from(tenantServices)
    .leftJoin(serviceActivations, eq(serviceActivations.id, tenantServices.activationId))
    .where(eq(tenantServices.tenantId, tenantId));
  const byType = new Map(rows.map((r) => [r.service.businessType, r]));
  return BUSINESS_TYPES.map((businessType) => {
    const r = byType.get(businessType);
    return r
      ? { businessType, state: r.service.state, activationId: r.service.activationId, reviewId: r.reviewId, reason: r.service.reason, updatedAt: r.service.updatedAt }
      : { businessType, state: 'none', activationId: null, reviewId: null, reason: null, updatedAt: null };
  });
}

export async function lockService(tx: Tx, tenantId: string, businessType: BusinessType): Promise<TenantServiceRow | undefined> {
  const [row] = await tx
    .select()
    .from(tenantServices)
    .where(and(eq(tenantServices.tenantId, tenantId), eq(tenantServices.businessType, businessType)))
    .for('update');
  return row;
}

export async function setServiceState(tx: Tx, row: TenantServiceRow, state: ServiceState, reason: string | null): Promise<void> {
  await tx
    .update(tenantServices)
    .set({ state: state as TenantServiceRow['state'], reason, updatedAt: sql`now()` })
    .where(and(eq(tenantServices.tenantId, row.tenantId), eq(tenantServices.businessType, row.businessType)));
}

/** A cancelled grant also shows on the application's review: the tenant must apply again. */
export async function markActivationCancelled(tx: Tx, activationId: string): Promise<void> {
  const [a] = await tx.select({ reviewId: serviceActivations.reviewId }).from(serviceActivations).where(eq(serviceActivations.id, activationId));
  if (a) await tx.update(reviews).set({ status: 'cancelled', updatedAt: sql`now()` }).where(eq(reviews.id, a.reviewId));
}

export function isBusinessType(v: string): v is BusinessType {
  return (BUSINESS_TYPES as readonly string[]).includes(v);
}

/**
 * What a refusal over a business type tells the tenant: the application (`id`), until when a
 * pending one will be decided (`until`), and why it was rejected, frozen or cancelled (`reason`,
 * per language as `reason.<language>` when its wording differs by language).
 */
export async function serviceFacts(db: Db | Tx, tenantId: string, businessType: string): Promise<Record<string, string | null>> {
  const [row] = await db
    .select({ state: tenantServices.state, reason: tenantServices.reason, activationId: tenantServices.activationId, review: reviews })
    .from(tenantServices)
    .leftJoin(serviceActivations, eq(serviceActivations.id, tenantServices.activationId))
    .leftJoin(reviews, eq(reviews.id, serviceActivations.reviewId))
    .where(and(eq(tenantServices.tenantId, tenantId), eq(tenantServices.businessType, businessType)));
  if (!row) return { businessType };
  const facts: Record<string, string | null> = { businessType, id: row.activationId, reason: row.reason };
  if (row.state === 'pending' && row.review) facts.until = row.review.dueAt.toISOString();
  if (row.state === 'rejected' && row.review) {
    const code = row.review.decisionReasonCode;
    const entry = code ? await findRejectionReason(db, serviceActivationKind.kind, code) : undefined;
    for (const lang of LANGUAGES) facts[`reason.${lang}`] = reasonWithExplanation(lang, entry?.tenant[lang], row.review.decisionReasonText) || null;
  }
  return facts;
}
