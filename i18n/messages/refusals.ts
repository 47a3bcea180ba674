import type { Messages } from '../types.js';

/** Why a review refused an action, as staff read it. {by}, {at}, {outcome}, {role} are filled in. */
export const refusalMessages = {
  'refusal.stale_round': { 'zh-CN': '租户已重新提交，请刷新后审核最新一轮', en: 'The tenant resubmitted; reload to review the current round' },
  'refusal.withdrawn': { 'zh-CN': '租户已撤回该提交', en: 'The tenant withdrew this submission' },
  'actor.automaticCheck': { 'zh-CN': '自动检查', en: 'the automatic check' },
  'refusal.already_decided': { 'zh-CN': '已由 {by} 于 {at} {outcome}', en: 'Already {outcome} by {by} on {at}' },
  'refusal.closed': { 'zh-CN': '该审核轮次已结束', en: 'This review round is closed' },
  'refusal.role_may_not_decide': { 'zh-CN': '“{role}”角色不能审核', en: 'The {role} role may not decide reviews' },
  'refusal.role_may_not_claim': { 'zh-CN': '“{role}”角色不能领取审核', en: 'The {role} role may not claim reviews' },
  'refusal.role_may_not_reply': { 'zh-CN': '“{role}”角色不能答复租户', en: 'The {role} role may not reply to tenants' },
  'refusal.role_may_not_assign': { 'zh-CN': '“{role}”角色不能分配审核', en: 'The {role} role may not assign reviews' },
  'refusal.not_assigned_to_you': { 'zh-CN': '该审核已分配给他人', en: 'This review is assigned to someone else' },
  'refusal.reason_required': { 'zh-CN': '驳回需要选择原因', en: 'A rejection needs a reason' },
  'refusal.claimed_by_other': { 'zh-CN': '已被他人领取', en: 'Already claimed by someone else' },
  'refusal.not_pending': { 'zh-CN': '该审核已不在待审状态', en: 'This review is no longer pending' },
  'refusal.limit_reached': { 'zh-CN': '本轮催审次数已达上限', en: 'The reminder limit for this round is reached' },
  'refusal.cool_down': { 'zh-CN': '催审过于频繁，请稍后再试', en: 'Reminded too recently; try again later' },
  'refusal.not_provisioning': { 'zh-CN': '该订单不在号码开通阶段', en: 'This order is not being provisioned' },
  'refusal.precheck_running': { 'zh-CN': '自动检查尚未完成，请稍候', en: 'The automatic check is still running; wait a moment' },
  'refusal.service_unavailable': { 'zh-CN': '审核服务暂时不可用，请稍后重试', en: 'The review service is unavailable; try again' },
  'role.reviewer': { 'zh-CN': '审核员', en: 'reviewer' },
  'role.supervisor': { 'zh-CN': '主管', en: 'supervisor' },
  'role.admin': { 'zh-CN': '管理员', en: 'admin' },
  'role.auditor': { 'zh-CN': '审计员', en: 'auditor' },
  'outcome.approved': { 'zh-CN': '审核通过', en: 'approved' },
  'outcome.rejected': { 'zh-CN': '驳回', en: 'rejected' },
} as const satisfies Messages;
