import type { Language } from '../domain/labels.js';

/** Back-office wording. zh-CN is the default; English is one click away. */
const messages = {
  'app.title': { 'zh-CN': '语音审核台', en: 'Voice Review Desk' },
  'nav.queue': { 'zh-CN': '审核队列', en: 'Queue' },
  'nav.logout': { 'zh-CN': '退出', en: 'Log out' },
  'nav.language': { 'zh-CN': 'English', en: '中文' },
  'login.title': { 'zh-CN': '登录', en: 'Log in' },
  'login.email': { 'zh-CN': '邮箱', en: 'Email' },
  'login.password': { 'zh-CN': '密码', en: 'Password' },
  'login.submit': { 'zh-CN': '登录', en: 'Log in' },
  'login.failed': { 'zh-CN': '邮箱或密码不正确', en: 'Wrong email or password' },
  'queue.title': { 'zh-CN': '审核队列', en: 'Review queue' },
  'queue.kind': { 'zh-CN': '类型', en: 'Kind' },
  'queue.status': { 'zh-CN': '状态', en: 'Status' },
  'queue.sla': { 'zh-CN': '时限', en: 'Deadline state' },
  'queue.all': { 'zh-CN': '全部', en: 'All' },
  'queue.sort': { 'zh-CN': '排序', en: 'Order' },
  'queue.sort.queue': { 'zh-CN': '催审优先，再按截止时间', en: 'Reminded first, then by deadline' },
  'queue.sort.due': { 'zh-CN': '按截止时间', en: 'By deadline' },
  'queue.sort.submitted': { 'zh-CN': '按提交时间', en: 'By submission time' },
  'queue.filter': { 'zh-CN': '筛选', en: 'Filter' },
  'queue.empty': { 'zh-CN': '没有符合条件的审核', en: 'No reviews match' },
  'queue.more': { 'zh-CN': '加载更多', en: 'Load more' },
  'queue.item': { 'zh-CN': '名称', en: 'Item' },
  'queue.tenant': { 'zh-CN': '租户', en: 'Tenant' },
  'queue.submitted': { 'zh-CN': '提交时间', en: 'Submitted' },
  'queue.due': { 'zh-CN': '截止时间', en: 'Due' },
  'queue.assignee': { 'zh-CN': '处理人', en: 'Assignee' },
  'queue.reminded': { 'zh-CN': '已催审', en: 'Reminded' },
  'review.round': { 'zh-CN': '轮次', en: 'Round' },
  'review.subject': { 'zh-CN': '编号', en: 'ID' },
  'review.explanation': { 'zh-CN': '时限说明', en: 'How the deadline was computed' },
  'review.content': { 'zh-CN': '提交内容', en: 'Submission' },
  'review.timeline': { 'zh-CN': '处理记录', en: 'Timeline' },
  'review.claim': { 'zh-CN': '领取', en: 'Claim' },
  'review.approve': { 'zh-CN': '审核通过', en: 'Approve' },
  'review.reject': { 'zh-CN': '驳回', en: 'Reject' },
  'review.reason': { 'zh-CN': '驳回原因', en: 'Reason' },
  'review.reasonText': { 'zh-CN': '补充说明（告知租户）', en: 'Explanation for the tenant' },
  'review.choose': { 'zh-CN': '请选择', en: 'Choose…' },
  'review.decided': { 'zh-CN': '已处理', en: 'Decided' },
  'review.decidedBy': { 'zh-CN': '处理人', en: 'Decided by' },
  'review.unassigned': { 'zh-CN': '未领取', en: 'Unassigned' },
  'review.readonly': { 'zh-CN': '您的角色只能查看', en: 'Your role can only read' },
  'review.saved': { 'zh-CN': '已保存', en: 'Saved' },
  'review.reminder': { 'zh-CN': '催审', en: 'Reminder' },
  'review.noReminder': { 'zh-CN': '无催审', en: 'None' },
  'review.answerBy': { 'zh-CN': '需答复于', en: 'answer by' },
  'review.reply': { 'zh-CN': '答复租户', en: 'Reply to the tenant' },
  'review.replyText': { 'zh-CN': '答复内容（发送给租户联系人）', en: 'Reply (sent to the tenant’s contacts)' },
  'event.at_risk': { 'zh-CN': '即将超时', en: 'At risk' },
  'event.reminded': { 'zh-CN': '租户催审', en: 'Tenant reminder' },
  'event.reminder_replied': { 'zh-CN': '答复催审', en: 'Reminder answered' },
  'event.reminder_escalated': { 'zh-CN': '催审升级至主管', en: 'Reminder escalated' },
  'event.deadline_moved': { 'zh-CN': '时限重新计算', en: 'Deadline recomputed' },
  'field.speed': { 'zh-CN': '语速', en: 'Speed' },
  'field.speaker': { 'zh-CN': '发音人', en: 'Speaker' },
  'field.content': { 'zh-CN': '模板内容', en: 'Content' },
  'field.scenario': { 'zh-CN': '业务场景', en: 'Scenario' },
  'event.submitted': { 'zh-CN': '提交', en: 'Submitted' },
  'event.resubmitted': { 'zh-CN': '修改后重新提交', en: 'Resubmitted' },
  'event.withdrawn': { 'zh-CN': '租户撤回', en: 'Withdrawn by the tenant' },
  'event.assigned': { 'zh-CN': '领取', en: 'Claimed' },
  'event.approved': { 'zh-CN': '审核通过', en: 'Approved' },
  'event.rejected': { 'zh-CN': '驳回', en: 'Rejected' },
  'event.breached': { 'zh-CN': '超过审核时限', en: 'Deadline passed' },
  'error.title': { 'zh-CN': '出错了', en: 'Something went wrong' },
  'error.back': { 'zh-CN': '返回队列', en: 'Back to the queue' },
} as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof messages;

export function translate(lang: Language, key: string): string {
  const m = (messages as Record<string, Record<Language, string>>)[key];
  return m ? m[lang] : key;
}

export function pickLanguage(cookie: string | undefined, fallback: Language = 'zh-CN'): Language {
  return cookie === 'en' || cookie === 'zh-CN' ? cookie : fallback;
}
