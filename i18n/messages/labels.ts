import type { Messages } from '../types.js';

/** A review's status and deadline state, as every page, notice and export names them. */
export const labelMessages = {
  'status.pending': { 'zh-CN': '待审', en: 'Pending' },
  'status.approved': { 'zh-CN': '审核通过', en: 'Approved' },
  'status.rejected': { 'zh-CN': '已驳回', en: 'Rejected' },
  'status.cancelled': { 'zh-CN': '已取消', en: 'Cancelled' },
  'status.withdrawn': { 'zh-CN': '已撤回', en: 'Withdrawn' },
  'status.provisioning': { 'zh-CN': '开通中', en: 'Provisioning' },
  'status.issued': { 'zh-CN': '已下发', en: 'Issued' },
  'status.checking': { 'zh-CN': '号码检查中', en: 'Checking' },
  'status.completed': { 'zh-CN': '完成', en: 'Completed' },
  'status.partially_succeeded': { 'zh-CN': '部分成功', en: 'Partially succeeded' },
  'status.check_failed': { 'zh-CN': '号码检查不通过', en: 'Check failed' },
  'sla.on_track': { 'zh-CN': '正常', en: 'On track' },
  'sla.at_risk': { 'zh-CN': '即将超时', en: 'At risk' },
  'sla.breached': { 'zh-CN': '已超时', en: 'Breached' },
} satisfies Messages;
