import type { Messages } from '../types.js';

/** What a back-office form says when something is missing or wrong, beside the field. */
export const formMessages = {
  'form.reload': { 'zh-CN': '页面已过期，请刷新后重试', en: 'This page is out of date; reload it and try again' },
  'form.chooseOutcome': { 'zh-CN': '请选择通过或驳回', en: 'Choose approve or reject' },
  'form.chooseReason': { 'zh-CN': '请选择驳回原因', en: 'Choose a rejection reason' },
  'form.explainReason': { 'zh-CN': '请填写给租户的说明', en: 'Explain the reason for the tenant' },
  'form.textTooLong': { 'zh-CN': '内容过长', en: 'This is too long' },
  'form.writeNote': { 'zh-CN': '请填写备注内容', en: 'Write the note' },
  'form.writeReply': { 'zh-CN': '请填写答复内容', en: 'Write a reply for the tenant' },
  'form.chooseStaff': { 'zh-CN': '请选择一位在职的审核人员', en: 'Choose an active member of staff' },
  'form.fixBelow': { 'zh-CN': '请按提示修改后重试', en: 'Please correct what is marked and try again' },
  'form.chooseContacts': { 'zh-CN': '请至少选择一位联系人', en: 'Choose at least one contact' },
  'form.chooseChannels': { 'zh-CN': '请选择邮件、短信或两者', en: 'Choose email, SMS or both' },
  'form.writeMessage': { 'zh-CN': '请填写内容', en: 'Write the message' },
  'form.chooseSome': { 'zh-CN': '请至少选择一条审核', en: 'Select at least one review' },
} as const satisfies Messages;
