import { and, eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit.js';
import { serviceActivations, tenantServices } from '../schema.js';
import type { Tx } from '../client.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import type { ServiceActivationInput } from '../../domain/kinds/service-activation.js';
import type { SubjectStore } from './store.js';

const columns = (input: ServiceActivationInput) => ({
  businessType: input.businessType,
  enterpriseName: input.enterpriseName,
  carrierType: input.carrier.type,
  carrierName: input.carrier.name,
  nature: input.nature,
  industry: input.industry,
  scenario: input.scenario,
  script: input.script,
  usedSimilarProduct: input.usedSimilarProduct,
  expectedDailyMinutes: input.expectedDailyMinutes,
});

/**
 * Claims the business type for this application in one statement: a new type, or one whose last
 * application was rejected or whose grant was cancelled. Pending, active or frozen: refused.
 */
async function claimBusinessType(tx: Tx, tenantId: string, businessType: string, activationId: string, allowFrom: string[]): Promise<void> {
  const claimed = await tx
    .insert(tenantServices)
    .values({ tenantId, businessType, state: 'pending', activationId })
    .onConflictDoUpdate({
      target: [tenantServices.tenantId, tenantServices.businessType],
      set: { state: 'pending', activationId, reason: null, updatedAt: sql`now()` },
      setWhere: sql`${tenantServices.state} in (${sql.join(allowFrom.map((s) => sql`${s}`), sql`, `)})`,
    })
    .returning({ state: tenantServices.state });
  if (claimed.length === 0) {
    throw new SubjectRefusal(409, 'already_applied', 'subjectRefusal.alreadyApplied', 'businessType', { businessType });
  }
}

export const serviceActivationStore: SubjectStore<ServiceActivationInput> = {
  async insert(tx, _deps, s) {
    await claimBusinessType(tx, s.tenant.id, s.input.businessType, s.subjectId, ['rejected', 'cancelled']);
    await tx.insert(serviceActivations).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, ...columns(s.input) });
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: serviceActivations.reviewId })
      .from(serviceActivations)
      .where(and(eq(serviceActivations.id, subjectId), eq(serviceActivations.tenantId, tenantId)));
    return row?.reviewId;
  },

  /** Only a rejected application is edited and sent again; its business type cannot change. */
  async resubmit(tx, _deps, edit) {
    const input = edit.input as ServiceActivationInput;
    const [current] = await tx.select().from(serviceActivations).where(eq(serviceActivations.id, edit.subjectId));
    if (!current) throw new SubjectRefusal(404, 'not_found', 'subjectRefusal.notFound.service_activation', '(path)');
    if (edit.review.status !== 'rejected') {
      throw new SubjectRefusal(409, 'not_rejected', 'subjectRefusal.notRejected', '(body)', { status: edit.review.status });
    }
    if (input.businessType !== current.businessType) {
      throw new SubjectRefusal(422, 'validation_failed', 'subjectRefusal.typeFixed', 'businessType');
    }
    const [service] = await tx
      .select()
      .from(tenantServices)
      .where(and(eq(tenantServices.tenantId, edit.tenant.id), eq(tenantServices.businessType, current.businessType)))
      .for('update');
    if (service?.activationId !== current.id || service.state !== 'rejected') {
      throw new SubjectRefusal(409, 'already_applied', 'subjectRefusal.replaced', 'businessType');
    }
    await claimBusinessType(tx, edit.tenant.id, current.businessType, current.id, ['rejected']);
    await tx.update(serviceActivations).set({ ...columns(input), updatedAt: sql`now()` }).where(eq(serviceActivations.id, current.id));
    return { title: input.enterpriseName };
  },

  async tenantView(deps, subjectId) {
    const [a] = await deps.db.select().from(serviceActivations).where(eq(serviceActivations.id, subjectId));
    if (!a) return {};
    const [service] = await deps.db
      .select({ state: tenantServices.state, activationId: tenantServices.activationId })
      .from(tenantServices)
      .where(and(eq(tenantServices.tenantId, a.tenantId), eq(tenantServices.businessType, a.businessType)));
    return { businessType: a.businessType, serviceState: service?.activationId === a.id ? service.state : null };
  },

  async staffView(deps, review) {
    const [a] = await deps.db.select().from(serviceActivations).where(eq(serviceActivations.reviewId, review.id));
    if (!a) return {};
    const [service] = await deps.db
      .select()
      .from(tenantServices)
      .where(and(eq(tenantServices.tenantId, a.tenantId), eq(tenantServices.businessType, a.businessType)));
    return { activation: a, service: service?.activationId === a.id ? service : null };
  },

  /** Approval grants the business type (audited as createVoiceCallService); rejection lets the tenant resubmit. */
  async onDecision(tx, review, decision) {
    const [a] = await tx.select().from(serviceActivations).where(eq(serviceActivations.reviewId, review.id));
    if (!a) return;
    const state = decision.outcome === 'approved' ? 'active' : 'rejected';
    await tx
      .update(tenantServices)
      .set({ state, reason: null, updatedAt: sql`now()` })
      .where(and(eq(tenantServices.tenantId, a.tenantId), eq(tenantServices.businessType, a.businessType), eq(tenantServices.activationId, a.id)));
    if (decision.outcome === 'approved') {
      await appendAudit(tx, {
        actorType: decision.decidedBy.role === 'system' ? 'system' : 'staff',
        actorId: decision.decidedBy.role === 'system' ? null : decision.decidedBy.id,
        actorLabel: decision.decidedBy.name,
        action: 'createVoiceCallService',
        objectType: 'tenant_service',
        objectId: `${a.tenantId}:${a.businessType}`,
        details: { businessType: a.businessType, activationId: a.id, reviewId: review.id, round: decision.round },
        dedupeKey: `${review.id}:${decision.round}:createVoiceCallService`,
      });
    }
  },
};
