import { z } from 'zod';
import { isOrganisationCode, isResidentIdNumber, isUnifiedSocialCreditCode, maskIdNumber } from '../identity-codes.js';
import { OTHER_REASON, reason } from '../rejection-reasons.js';
import { defineKind, type FileRule } from './definition.js';
import { formBoolean, formCount } from './form-fields.js';
import { cnMobile, text, trimmedCodePattern, trimmedPattern } from '../text.js';
import { BUSINESS_TYPES } from '../business-types.js';
import { DEFAULT_IMAGE_MINIMUMS } from '../image-check.js';
import { DEFAULT_RISK_LIMITS } from '../risk-signals.js';

/** The automatic rejection of the image pre-check. */
export const IMAGE_LEGIBILITY_REASON = 'image_legibility';

const MB = 1024 * 1024;
const jpg = (zh: string, en: string, required: FileRule['required'] = true): FileRule => ({ types: ['jpg'], maxBytes: 2 * MB, required, label: { 'zh-CN': zh, en } });
const needsLetters = (fields: Record<string, unknown>) => fields.fixedLine === 'true';

/** The files of a qualification, judged by content while they stream in. */
export const ENTERPRISE_FILES = {
  license: jpg('营业执照', 'Business licence'),
  handlerIdFront: jpg('经办人证件正面', 'Handler ID, front'),
  handlerIdBack: jpg('经办人证件反面', 'Handler ID, back'),
  handlerWithId: jpg('经办人手持证件照', 'Handler holding the ID'),
  applicationLetter: jpg('固话号码申请函（盖章）', 'Signed fixed-line application letter', needsLetters),
  commitmentLetter: jpg('固话号码承诺函（盖章）', 'Signed fixed-line commitment letter', needsLetters),
  otherMaterials: { types: ['jpg', 'png', 'rar', 'zip'], maxBytes: 20 * MB, required: false, label: { 'zh-CN': '其他材料', en: 'Other materials' } },
} as const satisfies Record<string, FileRule>;

const idNumber = z
  .string()
  .meta({
    pattern: trimmedCodePattern('0-9Xx', 18, 18),
    description: 'An 18-character resident ID number. Its birth date and check digit are checked but cannot be said in this pattern.',
  })
  .trim()
  .toUpperCase()
  .refine(isResidentIdNumber, { error: 'v.id_number' });

/** The unit's contact phone: a fixed line or a mobile, as people write them (+, digits, spaces, dashes, brackets). */
export const CONTACT_PHONE_PATTERN = /^\+?[0-9()][0-9() -]{4,23}$/;
// The same rule for the document: trimmed, and no longer than 24 with or without the plus.
const CONTACT_PHONE_DOC = trimmedPattern('(?:\\+[0-9()][0-9() -]{3,21}[0-9()-]|[0-9()][0-9() -]{3,22}[0-9()-])');
const contactPhone = z.string().meta({ pattern: CONTACT_PHONE_DOC }).trim().max(24).regex(CONTACT_PHONE_PATTERN, { error: 'v.phone' });
const legalRepresentativeName = text({ trim: true, min: 1, max: 64 });

export const enterpriseInput = z
  .object({
    businessType: z.enum(BUSINESS_TYPES),
    companyName: text({ trim: true, min: 1, max: 128 }),
    licenseCode: text({ trim: true, upper: true, max: 20 }).meta({
      pattern: trimmedCodePattern('0-9A-Za-z-', 9, 20),
      description:
        'A unified social credit code (18 characters; the only form when threeInOne is true) or an organisation code (9, a dash allowed). Its check character, and which form threeInOne allows, are checked but cannot be said in this pattern.',
    }),
    threeInOne: formBoolean,
    fixedLine: formBoolean,
    handlerName: text({ trim: true, min: 1, max: 64 }),
    handlerIdNumber: idNumber,
    handlerMobile: cnMobile,
    handlerAddress: text({ trim: true, min: 1, max: 256 }),
    scenario: text({ trim: true, min: 1, max: 256 }),
    script: text({ trim: true, min: 1, max: 1000 }),
    expectedDailyCalls: formCount(100_000_000),
    peakConcurrency: formCount(1_000_000),
    contactPhone: contactPhone.optional(),
    legalRepresentativeName: legalRepresentativeName.optional(),
    legalRepresentativeIdNumber: idNumber.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    bothOrNeither(v, ctx);
    const ok = v.threeInOne ? isUnifiedSocialCreditCode(v.licenseCode) : isOrganisationCode(v.licenseCode) || isUnifiedSocialCreditCode(v.licenseCode);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['licenseCode'], message: 'v.license_code' });
  });

export type EnterpriseInput = z.infer<typeof enterpriseInput>;

/** The legal representative is named with their ID number, or not at all. */
function bothOrNeither(v: { legalRepresentativeName?: string; legalRepresentativeIdNumber?: string }, ctx: z.RefinementCtx): void {
  if (v.legalRepresentativeName !== undefined && v.legalRepresentativeIdNumber === undefined) ctx.addIssue({ code: 'custom', path: ['legalRepresentativeIdNumber'], message: 'v.legal_rep_both' });
  if (v.legalRepresentativeIdNumber !== undefined && v.legalRepresentativeName === undefined) ctx.addIssue({ code: 'custom', path: ['legalRepresentativeName'], message: 'v.legal_rep_both' });
}

/**
 * An edit by JSON: an approved enterprise changes its scenario, script, unit contact phone or legal
 * representative (reviewed before it takes effect); a pending or rejected one corrects the same.
 */
export const enterpriseEditInput = z
  .object({
    scenario: text({ trim: true, min: 1, max: 256 }).optional(),
    script: text({ trim: true, min: 1, max: 1000 }).optional(),
    contactPhone: contactPhone.optional(),
    legalRepresentativeName: legalRepresentativeName.optional(),
    legalRepresentativeIdNumber: idNumber.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (Object.keys(v).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'v.edit_empty' });
    bothOrNeither(v, ctx);
  })
  .meta({ minProperties: 1 });
export type EnterpriseEditInput = z.infer<typeof enterpriseEditInput>;

export const enterpriseQualificationKind = defineKind<EnterpriseInput>({
  kind: 'enterprise_qualification',
  label: { 'zh-CN': '企业资质', en: 'Enterprise qualification' },
  subjectPrefix: 'EQ',
  input: enterpriseInput,
  editInput: enterpriseEditInput,
  intake: { type: 'multipart', files: ENTERPRISE_FILES },
  api: { path: 'enterprises', resubmit: true, withdraw: false, summary: 'an enterprise qualification' },
  title: (input) => input.companyName,
  summary: (input) => `${input.licenseCode} · ${input.scenario}`,
  snapshot: (input) => {
    const v = { ...(input as Record<string, unknown>) };
    for (const field of ['handlerIdNumber', 'legalRepresentativeIdNumber']) if (typeof v[field] === 'string') v[field] = maskIdNumber(v[field]);
    return v;
  },
  deadlines: { review: { type: 'end_of_working_day', days: 2 } },
  rejectionReasons: [
    reason(IMAGE_LEGIBILITY_REASON, '图片尺寸不足或无法识别', 'An image is too small or cannot be read'),
    reason('license_illegible', '营业执照不清晰', 'The business licence is not legible'),
    reason('name_mismatch', '公司名称与营业执照不一致', 'The company name does not match the licence'),
    reason('license_code_mismatch', '证照号码与营业执照不一致', 'The licence code does not match the licence'),
    reason('id_document_invalid', '经办人证件不清晰或无效', 'The handler’s ID document is illegible or invalid'),
    reason('handler_photo_invalid', '手持证件照不符合要求', 'The photo of the handler holding the ID does not qualify'),
    reason('letters_missing', '固话申请函或承诺函缺失或未盖章', 'The fixed-line letters are missing or unsigned'),
    reason('scenario_noncompliant', '业务场景或话术不合规', 'The scenario or script does not comply with the rules'),
    OTHER_REASON,
  ],
  subscription: 'enterprise_qualification',
  declaration: 'enterprise_authorisation',
  stages: { precheck: true, review: true, fulfilment: null },
  checks: { images: DEFAULT_IMAGE_MINIMUMS, risk: DEFAULT_RISK_LIMITS },
});
