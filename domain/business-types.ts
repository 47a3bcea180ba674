import type { Language } from './labels.js';

/** The three kinds of automated call a tenant can be granted. */
export const BUSINESS_TYPES = ['voice_callback', 'voice_notification', 'voice_verification_code'] as const;
export type BusinessType = (typeof BUSINESS_TYPES)[number];

export const BUSINESS_TYPE_LABELS: Record<BusinessType, Record<Language, string>> = {
  voice_callback: { 'zh-CN': '语音回呼', en: 'Voice callback' },
  voice_notification: { 'zh-CN': '语音通知', en: 'Voice notification' },
  voice_verification_code: { 'zh-CN': '语音验证码', en: 'Voice verification code' },
};

/**
 * A tenant's standing for one business type. `none` until it applies; `pending` while an
 * application is reviewed; `active` once approved; `rejected` until it resubmits; `cancelled`
 * when staff revoke it (the tenant applies again); `frozen` when staff suspend an active one.
 */
export const SERVICE_STATES = ['none', 'pending', 'active', 'rejected', 'cancelled', 'frozen'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export const SERVICE_STATE_LABELS: Record<ServiceState, Record<Language, string>> = {
  none: { 'zh-CN': '未开通', en: 'Not applied' },
  pending: { 'zh-CN': '待审', en: 'Pending' },
  active: { 'zh-CN': '已开通', en: 'Active' },
  rejected: { 'zh-CN': '已驳回', en: 'Rejected' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  frozen: { 'zh-CN': '已冻结', en: 'Frozen' },
};

