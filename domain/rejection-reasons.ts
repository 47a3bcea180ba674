export interface RejectionReason {
  code: string;
  /** Wording shown to staff and sent to the tenant's contacts. */
  text: { 'zh-CN': string; en: string };
  /** "Other" needs the reviewer's own words. */
  requiresText: boolean;
}

/** Every kind's catalogue ends with this one. */
export const OTHER_REASON: RejectionReason = {
  code: 'other',
  text: { 'zh-CN': '其他原因', en: 'Other reason' },
  requiresText: true,
};

/** A catalogue entry that needs no explanation beyond its wording. */
export const reason = (code: string, zh: string, en: string): RejectionReason => ({ code, text: { 'zh-CN': zh, en }, requiresText: false });
