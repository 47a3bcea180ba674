import { and, eq, sql } from 'drizzle-orm';
import { findRiskSignals } from '../risk-signals.js';
import { findImageMinimums } from '../rules.js';
import { enterprises } from '../schema.js';
import { currentFiles, filesOfSubject, type StoredFileRow } from '../stored-files.js';
import { maskIdNumber } from '../../domain/identity-codes.js';
import { judgeImages, MAX_DECODED_PIXELS, measureImage, type ImageCheck, type ImageMeasure, type ImageMinimum, type ImageProblem } from '../../domain/image-check.js';
import { ENTERPRISE_FILES, IMAGE_LEGIBILITY_REASON, type EnterpriseEditInput, type EnterpriseInput } from '../../domain/kinds/enterprise-qualification.js';
import type { Language } from '../../domain/labels.js';
import type { RiskSignal } from '../../domain/risk-signals.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import { translate, translateWith } from '../../i18n/index.js';
import type { FieldCipher } from '../sealed-field.js';
import type { Db, Tx } from '../client.js';
import type { SubjectStore } from './store.js';

export type EnterpriseRow = typeof enterprises.$inferSelect;

/** A sealed ID number with its masked copy and its keyed digest, or nulls when none is given. */
const sealedId = (id: string | undefined, cipher: FieldCipher) =>
  id === undefined ? { sealed: null, masked: null, digest: null } : { sealed: cipher.seal(id), masked: maskIdNumber(id), digest: cipher.digest(id) };

const columns = (input: EnterpriseInput, cipher: FieldCipher) => {
  const legal = sealedId(input.legalRepresentativeIdNumber, cipher);
  return {
    businessType: input.businessType,
    companyName: input.companyName,
    licenseCode: input.licenseCode,
    threeInOne: input.threeInOne,
    fixedLine: input.fixedLine,
    handlerName: input.handlerName,
    handlerIdNumberSealed: cipher.seal(input.handlerIdNumber),
    handlerIdNumberMasked: maskIdNumber(input.handlerIdNumber),
    handlerIdDigest: cipher.digest(input.handlerIdNumber),
    handlerMobile: input.handlerMobile,
    handlerAddress: input.handlerAddress,
    scenario: input.scenario,
    script: input.script,
    expectedDailyCalls: input.expectedDailyCalls,
    peakConcurrency: input.peakConcurrency,
    contactPhone: input.contactPhone ?? null,
    legalRepresentativeName: input.legalRepresentativeName ?? null,
    legalRepresentativeIdSealed: legal.sealed,
    legalRepresentativeIdMasked: legal.masked,
  };
};

/** Where the tenant downloads a submitted file (the one in force of its field). */
export const enterpriseFileUrl = (enterpriseId: string, field: string) => `/api/v1/enterprises/${enterpriseId}/files/${field}`;

/** The tenant's view: ID numbers masked, an edit under review beside the values in force, the files it submitted. */
export function enterpriseView(e: EnterpriseRow, files: StoredFileRow[] = []) {
  return {
    enterpriseId: e.id,
    enterpriseStatus: e.status,
    businessType: e.businessType,
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
    contactPhone: e.contactPhone,
    legalRepresentativeName: e.legalRepresentativeName,
    legalRepresentativeIdNumber: e.legalRepresentativeIdMasked,
    pendingEdit:
      e.pendingScenario !== null
        ? {
            scenario: e.pendingScenario,
            script: e.pendingScript,
            contactPhone: e.pendingContactPhone,
            legalRepresentativeName: e.pendingLegalRepresentativeName,
            legalRepresentativeIdNumber: e.pendingLegalRepresentativeIdMasked,
          }
        : null,
    imageCheck: imageCheckState(e),
    files: currentFiles(files).map((f) => ({ field: f.field, name: f.originalName, size: f.size, url: enterpriseFileUrl(e.id, f.field) })),
  };
}

const checkOf = (e: Pick<EnterpriseRow, 'imageCheck'>): ImageCheck | null => (e.imageCheck as ImageCheck | null) ?? null;
const imageCheckState = (e: Pick<EnterpriseRow, 'imageCheck'>) => {
  const check = checkOf(e);
  return check === null ? 'pending' : check.passed ? 'passed' : 'failed';
};

/** The edit as it would stand once approved: what is given, else what is in force. */
function pendingEdit(e: EnterpriseRow, input: EnterpriseEditInput, cipher: FieldCipher) {
  const legal = input.legalRepresentativeIdNumber !== undefined ? sealedId(input.legalRepresentativeIdNumber, cipher) : { sealed: e.legalRepresentativeIdSealed, masked: e.legalRepresentativeIdMasked };
  return {
    pendingScenario: input.scenario ?? e.scenario,
    pendingScript: input.script ?? e.script,
    pendingContactPhone: input.contactPhone ?? e.contactPhone,
    pendingLegalRepresentativeName: input.legalRepresentativeName ?? e.legalRepresentativeName,
    pendingLegalRepresentativeIdSealed: legal.sealed,
    pendingLegalRepresentativeIdMasked: legal.masked,
  };
}

const NO_PENDING_EDIT = {
  pendingScenario: null,
  pendingScript: null,
  pendingContactPhone: null,
  pendingLegalRepresentativeName: null,
  pendingLegalRepresentativeIdSealed: null,
  pendingLegalRepresentativeIdMasked: null,
};

/** A correction of a pending or rejected enterprise by JSON: the given fields replace what is there. */
function correction(input: EnterpriseEditInput, cipher: FieldCipher) {
  const legal = input.legalRepresentativeIdNumber !== undefined ? sealedId(input.legalRepresentativeIdNumber, cipher) : undefined;
  return {
    ...(input.scenario !== undefined ? { scenario: input.scenario } : {}),
    ...(input.script !== undefined ? { script: input.script } : {}),
    ...(input.contactPhone !== undefined ? { contactPhone: input.contactPhone } : {}),
    ...(input.legalRepresentativeName !== undefined ? { legalRepresentativeName: input.legalRepresentativeName } : {}),
    ...(legal ? { legalRepresentativeIdSealed: legal.sealed, legalRepresentativeIdMasked: legal.masked } : {}),
  };
}

/** Risk signals of the enterprise as it now stands, kept on it for the reviewer. */
async function noteRiskSignals(tx: Tx, id: string, digests: Record<string, string>): Promise<void> {
  const [e] = await tx.select().from(enterprises).where(eq(enterprises.id, id));
  if (!e) return;
  const signals = await findRiskSignals(tx, e, digests);
  await tx.update(enterprises).set({ riskSignals: signals }).where(eq(enterprises.id, id));
}

/** The image fields the pre-check measures, per the rule set (the licence, ID and letter images). */
const imageFields = (minimums: Record<string, ImageMinimum>) => new Set(Object.keys(minimums));

/** One image problem in words, naming the field and the measured size: "营业执照 1×1 像素，至少 600×400". */
function problemText(p: ImageProblem, lang: Language): string {
  const field = (ENTERPRISE_FILES as Record<string, { label: Record<Language, string> }>)[p.field]?.label[lang] ?? p.field;
  return translateWith(lang, `imageCheck.${p.code}`, {
    field,
    width: String(p.width ?? '?'),
    height: String(p.height ?? '?'),
    minWidth: String(p.minWidth),
    minHeight: String(p.minHeight),
    maxMegapixels: String(MAX_DECODED_PIXELS / 1_000_000),
  });
}

/** Every problem of a failed check, in one language. */
export function describeImageCheck(check: ImageCheck, lang: Language): string {
  return check.problems.map((p) => problemText(p, lang)).join(translate(lang, 'imageCheck.separator'));
}

export const enterpriseQualificationStore: SubjectStore<EnterpriseInput> = {
  async insert(tx, deps, s) {
    await tx.insert(enterprises).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, ...columns(s.input, deps.cipher) });
    await noteRiskSignals(tx, s.subjectId, s.fileDigests ?? {});
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: enterprises.reviewId })
      .from(enterprises)
      .where(and(eq(enterprises.id, subjectId), eq(enterprises.tenantId, tenantId)));
    return row?.reviewId;
  },

  /**
   * An approved enterprise changes its scenario, script, contact phone or legal representative
   * by JSON: the change waits beside the values in force until approved. A rejected or pending
   * one is corrected: a full form replaces everything, a JSON edit the fields it gives.
   */
  async resubmit(tx, deps, edit) {
    const [e] = await tx.select().from(enterprises).where(eq(enterprises.id, edit.subjectId)).for('update');
    if (!e) throw new SubjectRefusal(404, 'not_found', 'subjectRefusal.notFound.enterprise_qualification', '(path)');
    if (e.status === 'approved') {
      if (!edit.partial) throw new SubjectRefusal(409, 'already_approved', 'subjectRefusal.approvedEditsOnly');
      await tx
        .update(enterprises)
        .set({ ...pendingEdit(e, edit.input as EnterpriseEditInput, deps.cipher), updatedAt: sql`now()` })
        .where(eq(enterprises.id, e.id));
      return {};
    }
    if (edit.partial) {
      await tx
        .update(enterprises)
        .set({ ...correction(edit.input as EnterpriseEditInput, deps.cipher), status: 'pending', updatedAt: sql`now()` })
        .where(eq(enterprises.id, e.id));
      return {};
    }
    const input = edit.input as EnterpriseInput;
    await tx.update(enterprises).set({ ...columns(input, deps.cipher), status: 'pending', imageCheck: null, updatedAt: sql`now()` }).where(eq(enterprises.id, e.id));
    await noteRiskSignals(tx, e.id, edit.fileDigests ?? {});
    return { title: input.companyName };
  },

  async tenantView(deps, subjectId) {
    const [e] = await deps.db.select().from(enterprises).where(eq(enterprises.id, subjectId));
    return e ? enterpriseView(e, await filesOfSubject(deps.db, 'enterprise_qualification', e.id)) : {};
  },

  /** Staff see the ID numbers whole in their own fields, every file in force with what it is, the image check and the risk signals. */
  async staffView(deps, review, files) {
    const [e] = await deps.db.select().from(enterprises).where(eq(enterprises.reviewId, review.id));
    if (!e) return {};
    const labels = ENTERPRISE_FILES as Record<string, { label: Record<string, string> }>;
    const inForce = currentFiles(files);
    const check = checkOf(e);
    const letter = (field: string) => inForce.find((f) => f.field === field) ?? null;
    return {
      enterprise: {
        ...e,
        handlerIdNumber: deps.cipher.open(e.handlerIdNumberSealed),
        legalRepresentativeIdNumber: e.legalRepresentativeIdSealed ? deps.cipher.open(e.legalRepresentativeIdSealed) : null,
        pendingLegalRepresentativeIdNumber: e.pendingLegalRepresentativeIdSealed ? deps.cipher.open(e.pendingLegalRepresentativeIdSealed) : null,
      },
      isEdit: e.status === 'approved' && e.pendingScenario !== null,
      fixedLineLetters: { applicationLetter: letter('applicationLetter'), commitmentLetter: letter('commitmentLetter') },
      files: inForce.map((f) => ({ ...f, label: labels[f.field]?.label, image: f.fileType === 'jpg' || f.fileType === 'png' })),
      imageCheck: check
        ? {
            state: check.passed ? 'passed' : 'failed',
            images: check.images.map((m) => ({ ...m, label: labels[m.field]?.label })),
            problem: check.passed ? null : { 'zh-CN': describeImageCheck(check, 'zh-CN'), en: describeImageCheck(check, 'en') },
          }
        : null,
      riskSignals: e.riskSignals as RiskSignal[],
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
            ? {
                scenario: e.pendingScenario ?? e.scenario,
                script: e.pendingScript ?? e.script,
                contactPhone: e.pendingContactPhone,
                legalRepresentativeName: e.pendingLegalRepresentativeName,
                legalRepresentativeIdSealed: e.pendingLegalRepresentativeIdSealed,
                legalRepresentativeIdMasked: e.pendingLegalRepresentativeIdMasked,
                ...NO_PENDING_EDIT,
                updatedAt: sql`now()`,
              }
            : { status: 'approved', approvedAt: new Date(decision.decidedAt), updatedAt: sql`now()` },
        )
        .where(eq(enterprises.id, e.id));
    } else {
      await tx
        .update(enterprises)
        .set(editing ? { ...NO_PENDING_EDIT, updatedAt: sql`now()` } : { status: 'rejected', updatedAt: sql`now()` })
        .where(eq(enterprises.id, e.id));
    }
  },

  /**
   * Decodes each licence, ID and letter image submitted in this round and measures it against the
   * rule set's minimums. What was measured is kept on the enterprise (facts, no words); a failure
   * is an automatic rejection whose reason each reader gets worded in their language.
   */
  async precheck(ctx, review, files) {
    const minimums = await findImageMinimums(ctx.db, 'enterprise_qualification');
    const fields = imageFields(minimums);
    const images: ImageMeasure[] = [];
    for (const f of files.filter((x) => x.round === review.round && fields.has(x.field))) {
      images.push(measureImage(f.field, await ctx.readFile(f, f.size), f.fileType));
    }
    const check = judgeImages(review.round, images, minimums);
    await ctx.db.update(enterprises).set({ imageCheck: check, updatedAt: sql`now()` }).where(eq(enterprises.id, review.subjectId));
    return check.passed ? { passed: true } : { passed: false, reasonCode: IMAGE_LEGIBILITY_REASON, reasonText: null };
  },

  async reasonWording(db, subjectId, reasonCode) {
    if (reasonCode !== IMAGE_LEGIBILITY_REASON) return undefined;
    const [e] = await db.select({ imageCheck: enterprises.imageCheck }).from(enterprises).where(eq(enterprises.id, subjectId));
    const check = e ? checkOf(e) : null;
    if (!check || check.passed) return undefined;
    return { 'zh-CN': describeImageCheck(check, 'zh-CN'), en: describeImageCheck(check, 'en') };
  },
};

/** A tenant's enterprises for staff lists: the ID number only masked. */
export async function listTenantEnterprises(db: Db, tenantId: string) {
  return db
    .select({
      id: enterprises.id,
      reviewId: enterprises.reviewId,
      status: enterprises.status,
      businessType: enterprises.businessType,
      fixedLine: enterprises.fixedLine,
      // The signed fixed-line letters in force: each field counted once, whatever the rounds.
      letters: sql<number>`(select count(distinct sf.field)::int from stored_files sf where sf.kind = 'enterprise_qualification' and sf.subject_id = "enterprises"."id" and sf.field in ('applicationLetter', 'commitmentLetter'))`,
      companyName: enterprises.companyName,
      licenseCode: enterprises.licenseCode,
      handlerName: enterprises.handlerName,
      handlerIdNumber: enterprises.handlerIdNumberMasked,
      approvedAt: enterprises.approvedAt,
    })
    .from(enterprises)
    .where(eq(enterprises.tenantId, tenantId))
    .orderBy(enterprises.createdAt);
}
