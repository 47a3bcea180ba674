import { and, eq, ne, sql } from 'drizzle-orm';
import { appendAudit } from '../audit.js';
import { listTenantApps, lockTenantApp, pendingOptOut } from '../apps.js';
import { apps, qualityCheckOptOuts } from '../schema.js';
import type { QualityCheckOptOutInput } from '../../domain/kinds/quality-check-opt-out.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import { appChangeRefusal } from '../../domain/gates.js';
import { serviceState } from '../gates.js';
import type { SubjectStore } from './store.js';

/**
 * A request to turn an app's quality checks off. Opened by the app's PATCH through the shared
 * intake; the app keeps its checks on until the request is approved.
 */
export const qualityCheckOptOutStore: SubjectStore<QualityCheckOptOutInput> = {
  /** Under the app's lock: one request at a time, and only while checks are on. */
  async insert(tx, _deps, s) {
    const app = await lockTenantApp(tx, s.tenant.id, s.input.appId);
    if (!app) throw new SubjectRefusal(404, 'not_found', 'subjectRefusal.notFound.app', 'appId');
    if (!app.qualityCheck) throw new SubjectRefusal(409, 'quality_check_off', 'subjectRefusal.qualityCheckOff', 'qualityCheck');
    if (await pendingOptOut(tx, app.id)) {
      throw new SubjectRefusal(409, 'opt_out_pending', 'subjectRefusal.optOutPending', 'qualityCheck');
    }
    await tx.insert(qualityCheckOptOuts).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, appId: app.id, appName: app.name });
    await appendAudit(tx, {
      actorType: 'tenant',
      actorId: s.tenant.id,
      actorLabel: s.tenant.name,
      action: 'app.quality_check_opt_out_requested',
      objectType: 'app',
      objectId: app.id,
      details: { reviewId: s.reviewId, subjectId: s.subjectId },
    });
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: qualityCheckOptOuts.reviewId })
      .from(qualityCheckOptOuts)
      .where(and(eq(qualityCheckOptOuts.id, subjectId), eq(qualityCheckOptOuts.tenantId, tenantId)));
    return row?.reviewId;
  },

  async tenantView(deps, subjectId) {
    const [o] = await deps.db.select().from(qualityCheckOptOuts).where(eq(qualityCheckOptOuts.id, subjectId));
    return o ? { appId: o.appId, appName: o.appName } : {};
  },

  /** The app's flags as they stand, and the tenant's other apps, so the reviewer sees the whole picture. */
  async staffView(deps, review) {
    const [o] = await deps.db.select().from(qualityCheckOptOuts).where(eq(qualityCheckOptOuts.reviewId, review.id));
    if (!o) return {};
    const [app] = await deps.db.select().from(apps).where(eq(apps.id, o.appId));
    const others = (await listTenantApps(deps.db, o.tenantId)).filter((a) => a.id !== o.appId);
    return { optOut: o, app: app ?? null, otherApps: others };
  },

  /** A frozen type's apps change nothing: approving an opt-out waits until the type is resumed. */
  async approvalRefusal(tx, review) {
    const [o] = await tx.select({ tenantId: qualityCheckOptOuts.tenantId, businessType: apps.businessType }).from(qualityCheckOptOuts).innerJoin(apps, eq(apps.id, qualityCheckOptOuts.appId)).where(eq(qualityCheckOptOuts.reviewId, review.id));
    if (!o) return null;
    const code = appChangeRefusal(await serviceState(tx, o.tenantId, o.businessType, true));
    return code ? { code, params: { businessType: o.businessType } } : null;
  },

  /** Approval turns the checks off and with them the prompt (audited); a rejection leaves them on and the contacts hear why. */
  async onDecision(tx, review, decision) {
    if (decision.outcome !== 'approved') return;
    const [o] = await tx.select().from(qualityCheckOptOuts).where(eq(qualityCheckOptOuts.reviewId, review.id));
    if (!o) return;
    const changed = await tx
      .update(apps)
      .set({ qualityCheck: false, promptAudioId: null, updatedAt: sql`now()` })
      .where(and(eq(apps.id, o.appId), ne(apps.qualityCheck, false)))
      .returning({ id: apps.id });
    if (changed.length === 0) return;
    const byStaff = decision.decidedBy.role !== 'system';
    await appendAudit(tx, {
      actorType: byStaff ? 'staff' : 'system',
      actorId: byStaff ? decision.decidedBy.id : null,
      actorLabel: decision.decidedBy.name,
      action: 'app.update',
      objectType: 'app',
      objectId: o.appId,
      details: { changes: { qualityCheck: { from: true, to: false } }, reviewId: review.id, round: decision.round },
      dedupeKey: `${review.id}:${decision.round}:app.quality_check_off`,
    });
  },
};
