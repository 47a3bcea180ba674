import type { Messages } from '../types.js';

/** A tenant's business types, as staff manage them on the tenant page. */
export const serviceMessages = {
  'service.title': { 'zh-CN': '业务开通情况', en: 'Business types' },
  'service.reason': { 'zh-CN': '原因', en: 'Reason' },
  'service.actions': { 'zh-CN': '操作', en: 'Actions' },
  'service.action.freeze': { 'zh-CN': '冻结', en: 'Freeze' },
  'service.action.resume': { 'zh-CN': '恢复', en: 'Resume' },
  'service.action.cancel': { 'zh-CN': '取消权限', en: 'Cancel the grant' },
  'service.confirm.freeze': { 'zh-CN': '确认冻结（冻结后租户无法发起该类呼叫）', en: 'Yes, freeze it (the tenant cannot place calls of this type while frozen)' },
  'service.confirm.cancel': { 'zh-CN': '确认取消（取消后租户须重新申请开通）', en: 'Yes, cancel the grant (the tenant will have to apply again)' },
  'service.done.freeze': { 'zh-CN': '已冻结，已通知 {told} 位联系人', en: 'Frozen; {told} contacts told' },
  'service.done.resume': { 'zh-CN': '已恢复，已通知 {told} 位联系人', en: 'Resumed; {told} contacts told' },
  'service.done.cancel': { 'zh-CN': '已取消权限，已通知 {told} 位联系人', en: 'Grant cancelled; {told} contacts told' },
} as const satisfies Messages;
