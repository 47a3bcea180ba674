import type { Messages } from '../types.js';

/** A tenant's business types, as staff manage them on the tenant page. */
export const serviceMessages = {
  'service.title': { 'zh-CN': '业务开通情况', en: 'Business types' },
  'service.reason': { 'zh-CN': '原因', en: 'Reason' },
  'service.actions': { 'zh-CN': '操作', en: 'Actions' },
  'service.action.freeze': { 'zh-CN': '冻结', en: 'Freeze' },
  'service.action.resume': { 'zh-CN': '恢复', en: 'Resume' },
  'service.action.cancel': { 'zh-CN': '取消权限', en: 'Cancel the grant' },
  'service.confirm.freeze': { 'zh-CN': '冻结后租户无法发起该类呼叫，确定冻结？', en: 'The tenant cannot place calls of this type while frozen. Freeze?' },
  'service.confirm.resume': { 'zh-CN': '确定恢复该业务？', en: 'Resume this service?' },
  'service.confirm.cancel': { 'zh-CN': '取消后租户须重新申请开通，确定取消？', en: 'The tenant will have to apply again. Cancel the grant?' },
  'service.done.freeze': { 'zh-CN': '已冻结，已通知 {told} 位联系人', en: 'Frozen; {told} contacts told' },
  'service.done.resume': { 'zh-CN': '已恢复，已通知 {told} 位联系人', en: 'Resumed; {told} contacts told' },
  'service.done.cancel': { 'zh-CN': '已取消权限，已通知 {told} 位联系人', en: 'Grant cancelled; {told} contacts told' },
} as const satisfies Messages;
