import type { ReviewKind } from './review.js';

export interface RejectionReason {
  code: string;
  /** Wording shown to staff and sent to the tenant's contacts. */
  text: { 'zh-CN': string; en: string };
  /** "Other" needs the reviewer's own words. */
  requiresText: boolean;
}

const other: RejectionReason = {
  code: 'other',
  text: { 'zh-CN': '其他原因', en: 'Other reason' },
  requiresText: true,
};

const byKind: Partial<Record<ReviewKind, RejectionReason[]>> = {
  voice_template: [
    { code: 'content_unclear', text: { 'zh-CN': '模板内容表述不清', en: 'The template content is unclear' }, requiresText: false },
    { code: 'variables_misused', text: { 'zh-CN': '变量使用不规范', en: 'Variables are used incorrectly' }, requiresText: false },
    { code: 'scenario_mismatch', text: { 'zh-CN': '内容与业务场景不符', en: 'The content does not match the business scenario' }, requiresText: false },
    { code: 'prohibited_content', text: { 'zh-CN': '包含违规或营销内容', en: 'The content is prohibited or promotional' }, requiresText: false },
    other,
  ],
};

export function rejectionReasonsFor(kind: ReviewKind): RejectionReason[] {
  return byKind[kind] ?? [other];
}

export function findRejectionReason(kind: ReviewKind, code: string): RejectionReason | undefined {
  return rejectionReasonsFor(kind).find((r) => r.code === code);
}
