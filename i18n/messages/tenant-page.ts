import type { Messages } from '../types.js';

/** The tenant page: its enterprises, reviews and API keys. */
export const tenantPageMessages = {
  'tenant.enterprises': { 'zh-CN': '企业资质', en: 'Enterprises' },
  'tenant.noEnterprises': { 'zh-CN': '尚未提交企业资质', en: 'No enterprise submitted yet' },
  'tenant.reviews': { 'zh-CN': '审核记录', en: 'Reviews' },
  'tenant.reviewsInQueue': { 'zh-CN': '在队列中查看全部', en: 'See them all in the queue' },
  'apiKeys.title': { 'zh-CN': 'API 密钥', en: 'API keys' },
  'apiKeys.prefix': { 'zh-CN': '开头', en: 'Starts with' },
  'apiKeys.label': { 'zh-CN': '备注', en: 'Label' },
  'apiKeys.created': { 'zh-CN': '创建时间', en: 'Created' },
  'apiKeys.active': { 'zh-CN': '有效', en: 'Active' },
  'apiKeys.revoked': { 'zh-CN': '已吊销', en: 'Revoked' },
  'apiKeys.revoke': { 'zh-CN': '吊销', en: 'Revoke' },
  'apiKeys.confirmRevokeBox': { 'zh-CN': '确认吊销（使用该密钥的请求将被拒绝）', en: 'Yes, revoke it (requests with this key will be refused)' },
  'apiKeys.issue': { 'zh-CN': '生成新密钥', en: 'Issue a new key' },
  'apiKeys.shownOnce': { 'zh-CN': '新密钥只显示这一次，请立即交给租户：', en: 'The new key is shown only this once; hand it to the tenant now:' },
} as const satisfies Messages;
