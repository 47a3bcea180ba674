import type { Messages } from '../types.js';

/** Unsubscribe batches: why a number failed, what became of it, and the sheets' headers. */
export const unsubscribeMessages = {
  'unsubscribe.failure.invalid_format': { 'zh-CN': '不是有效的固话号码', en: 'Not a valid fixed-line number' },
  'unsubscribe.failure.duplicate_in_batch': { 'zh-CN': '本批次中重复出现', en: 'Listed more than once in this batch' },
  'unsubscribe.failure.not_found': { 'zh-CN': '不是本账户的号码', en: 'Not a number of this account' },
  'unsubscribe.failure.already_released': { 'zh-CN': '号码已退订', en: 'Already released' },
  'unsubscribe.failure.release_conflict': {
    'zh-CN': '检查通过，但退订时号码已被另一请求退订，本批次未能退订；如仍需处理请核对号码列表',
    en: 'Passed the check, but another request released it before this batch could; check your number list',
  },
  'unsubscribe.outcome.released': { 'zh-CN': '退订成功', en: 'Released' },
  'unsubscribe.outcome.check_failed': { 'zh-CN': '检查不通过', en: 'Check failed' },
  'unsubscribe.outcome.release_failed': { 'zh-CN': '退订失败', en: 'Release failed' },
  'unsubscribe.outcome.pending': { 'zh-CN': '检查中', en: 'Pending' },
  'unsubscribe.sheet.results': { 'zh-CN': '退订结果', en: 'Results' },
  'unsubscribe.sheet.number': { 'zh-CN': '号码', en: 'Number' },
  'unsubscribe.sheet.outcome': { 'zh-CN': '结果', en: 'Outcome' },
  'unsubscribe.sheet.reason': { 'zh-CN': '原因', en: 'Reason' },
  'unsubscribe.sheet.outcomeCode': { 'zh-CN': '结果代码', en: 'Outcome code' },
  'unsubscribe.template.sheet': { 'zh-CN': '号码清单', en: 'Numbers' },
  'unsubscribe.template.help': { 'zh-CN': '填写说明', en: 'How to fill it in' },
  'unsubscribe.template.line1': { 'zh-CN': '在第一个工作表的第一列逐行填写要退订的固话号码，如 010-12345678；首行为表头。', en: 'List the fixed-line numbers to release in the first column of the first sheet, one per row, e.g. 010-12345678; the first row is the header.' },
  'unsubscribe.template.line2': { 'zh-CN': '每批最多 10,000 个号码；其他列与本说明页不会被读取。', en: 'At most 10,000 numbers per batch; other columns and this sheet are not read.' },
  'unsubscribe.template.line3': { 'zh-CN': '退订不可撤销，月租自下月起停止计算。', en: 'Unsubscribing cannot be undone; rent stops from next month.' },
} as const satisfies Messages;
