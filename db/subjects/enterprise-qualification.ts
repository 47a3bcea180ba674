import { and, eq, sql } from 'drizzle-orm';
import { enterprises } from '../schema.js';
import { currentFiles } from '../stored-files.js';
import { maskIdNumber } from '../../domain/identity-codes.js';
import { ENTERPRISE_FILES, type EnterpriseEditInput, type EnterpriseInput } from '../../domain/kinds/enterprise-qualification.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import type { FieldCipher } from '../sealed-field.js';
import type { Db } from '../client.js';
import type { SubjectStore } from './store.js';

export type EnterpriseRow = typeof enterprises.$inferSelect;

const columns = (input: EnterpriseInput, cipher: FieldCipher) => ({
  companyName: input.companyName,
  licenseCode: input.licenseCode,
  threeInOne: input.threeInOne,
  fixedLine: input.fixedLine,
  handlerName: input.handlerName,
  handlerIdNumberSealed: cipher.seal(input.handlerIdNumber),
  handlerIdNumberMasked: maskIdNumber(input.handlerIdNumber),
  handlerMobile: input.handlerMobile,
  handlerAddress: input.handlerAddress,
  scenario: input.scenario,
  script: input.script,
  expectedDailyCalls: input.expectedDailyCalls,
  peakConcurrency: input.peakConcurrency,
});

/** The tenant's view: the ID number masked, the edit under review beside the text in force. */
export function enterpriseView(e: EnterpriseRow) {
  return {
    enterpriseId: e.id,
    enterpriseStatus: e.status,
    companyName: e.companyName,
    licenseCode: e.licenseCode,
    threeInOne: e.threeInOne,
    fixedLine: e.fixedLine,
    handlerName: e.handlerName,
    handlerIdNumber: e.handlerIdNumberMasked,
    handlerMobile: e.handlerMobile,
    handlerAddress: e.handlerAddress,
    scenario: e.scenario,
    script: e.script,
    expectedDailyCalls: e.expectedDailyCalls,
    peakConcurrency: e.peakConcurrency,
    pendingEdit: e.pendingScenario !== null ? { scenario: e.pendingScenario, script: e.pendingScript } : null,
  };
}

export const enterpriseQualificationStore: SubjectStore<EnterpriseInput> = {
  async insert(tx, deps, s) {
    await tx.insert(enterprises).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, ...columns(s.input, deps.cipher) });
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: enterprises.reviewId })
      .from(enterprises)
      .where(and(eq(enterprises.id, subjectId), eq(enterprises.tenantId, tenantId)));
    return row?.reviewId;
  },

  /**
   * An approved enterprise changes its scenario and script: the change waits beside the text in
   * force until approved. A rejected or pending one is corrected: a full form replaces everything,
   * a scenario and script change replaces those.
   */
  async resubmit(tx, deps, edit) {
    const [e] = await tx.select().from(enterprises).where(eq(enterprises.id, edit.subjectId)).for('update');
    if (!e) throw new SubjectRefusal(404, 'not_found', 'enterprise not found');
    if (e.status === 'approved') {
      if (!edit.partial) throw new SubjectRefusal(409, 'already_approved', 'an approved enterprise changes only its scenario and script (JSON {scenario, script})');
      const input = edit.input as EnterpriseEditInput;
      await tx.update(enterprises).set({ pendingScenario: input.scenario, pendingScript: input.script, updatedAt: sql`now()` }).where(eq(enterprises.id, e.id));
      return {};
    }
    if (edit.partial) {
      const input = edit.input as EnterpriseEditInput;
      await tx.update(enterprises).set({ scenario: input.scenario, script: input.script, status: 'pending', updatedAt: sql`now()` }).where(eq(enterprises.id, e.id));
      return {};
    }
    const input = edit.input as EnterpriseInput;
    await tx.update(enterprises).set({ ...columns(input, deps.cipher), status: 'pending', updatedAt: sql`now()` }).where(eq(enterprises.id, e.id));
    return { title: input.companyName };
  },

  async tenantView(deps, subjectId) {
    const [e] = await deps.db.select().from(enterprises).where(eq(enterprises.id, subjectId));
    return e ? enterpriseView(e) : {};
  },

  /** Staff see the ID number whole in its one field, and every file in force with what it is. */
  async staffView(deps, review, files) {
    const [e] = await deps.db.select().from(enterprises).where(eq(enterprises.reviewId, review.id));
    if (!e) return {};
    const labels = ENTERPRISE_FILES as Record<string, { label: Record<string, string> }>;
    return {
      enterprise: { ...e, handlerIdNumber: deps.cipher.open(e.handlerIdNumberSealed) },
      isEdit: e.status === 'approved' && e.pendingScenario !== null,
      files: currentFiles(files).map((f) => ({ ...f, label: labels[f.field]?.label, image: f.fileType === 'jpg' || f.fileType === 'png' })),
    };
  },

  async onDecision(tx, review, decision) {
    const [e] = await tx.select().from(enterprises).where(eq(enterprises.reviewId, review.id)).for('update');
    if (!e) return;
    const editing = e.status === 'approved' && e.pendingScenario !== null;
    if (decision.outcome === 'approved') {
      await tx
        .update(enterprises)
        .set(
          editing
            ? { scenario: e.pendingScenario ?? e.scenario, script: e.pendingScript ?? e.script, pendingScenario: null, pendingScript: null, updatedAt: sql`now()` }
            : { status: 'approved', approvedAt: new Date(decision.decidedAt), updatedAt: sql`now()` },
        )
        .where(eq(enterprises.id, e.id));
    } else {
      await tx
        .update(enterprises)
        .set(editing ? { pendingScenario: null, pendingScript: null, updatedAt: sql`now()` } : { status: 'rejected', updatedAt: sql`now()` })
        .where(eq(enterprises.id, e.id));
    }
  },
};

/** A tenant's enterprises for staff lists: the ID number only masked. */
export async function listTenantEnterprises(db: Db, tenantId: string) {
  return db
    .select({ id: enterprises.id, reviewId: enterprises.reviewId, status: enterprises.status, companyName: enterprises.companyName, licenseCode: enterprises.licenseCode, handlerName: enterprises.handlerName, handlerIdNumber: enterprises.handlerIdNumberMasked, approvedAt: enterprises.approvedAt })
    .from(enterprises)
    .where(eq(enterprises.tenantId, tenantId))
    .orderBy(enterprises.createdAt);
}
