import type { ReviewKind, ReviewStatus } from './review.js';
import { KINDS } from './kinds/index.js';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

type Labels<K extends string> = Record<K, Record<Language, string>>;

export const KIND_LABELS: Labels<ReviewKind> = Object.fromEntries(Object.values(KINDS).map((k) => [k.kind, k.label])) as Labels<ReviewKind>;

export const STATUS_LABELS: Labels<ReviewStatus> = {
  pending: { 'zh-CN': '待审', en: 'Pending' },
  approved: { 'zh-CN': '审核通过', en: 'Approved' },
  rejected: { 'zh-CN': '已驳回', en: 'Rejected' },
  cancelled: { 'zh-CN': '已取消', en: 'Cancelled' },
  withdrawn: { 'zh-CN': '已撤回', en: 'Withdrawn' },
  provisioning: { 'zh-CN': '开通中', en: 'Provisioning' },
  issued: { 'zh-CN': '已下发', en: 'Issued' },
  checking: { 'zh-CN': '号码检查中', en: 'Checking' },
  completed: { 'zh-CN': '完成', en: 'Completed' },
  partially_succeeded: { 'zh-CN': '部分成功', en: 'Partially succeeded' },
  check_failed: { 'zh-CN': '号码检查不通过', en: 'Check failed' },
};

export const SLA_LABELS: Labels<'on_track' | 'at_risk' | 'breached'> = {
  on_track: { 'zh-CN': '正常', en: 'On track' },
  at_risk: { 'zh-CN': '即将超时', en: 'At risk' },
  breached: { 'zh-CN': '已超时', en: 'Breached' },
};
