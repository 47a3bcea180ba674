import type { Messages } from '../types.js';

/** Wording for requests refused at the edge and for services the back office depends on being away. */
export const errorMessages = {
  'input.controlCharacters': {
    'zh-CN': '提交的内容含有不允许的控制字符（例如 NUL），请删除后重试：',
    en: 'The request contains control characters that text may not hold (such as NUL); remove them and try again:',
  },
  'review.serviceUnavailable': {
    'zh-CN': '审核服务暂时不可用，请稍后重试（重复提交不会重复决定）。',
    en: 'The review service is unavailable; try again (submitting again will not decide twice).',
  },
  'error.badRequest': { 'zh-CN': '请求无法处理，请检查后重试。', en: 'The request could not be handled; check it and try again.' },
  'error.unauthorized': { 'zh-CN': '请先登录。', en: 'Please log in first.' },
  'error.forbidden': { 'zh-CN': '您的角色无权打开此页面或进行此操作。', en: 'Your role may not open this page or do this.' },
  'error.notFound': { 'zh-CN': '找不到您要的页面或记录。', en: 'The page or record you asked for does not exist.' },
  'error.tooLarge': { 'zh-CN': '提交的内容过大。', en: 'What was sent is too large.' },
  'error.bodyTooSlow': { 'zh-CN': '提交的内容传输过慢，已被中断，请重新提交。', en: 'What was sent arrived too slowly and was cut off; send it again.' },
  'error.internal': { 'zh-CN': '系统出错了，我们已记录此问题，请稍后重试。', en: 'Something went wrong on our side; it was logged. Try again shortly.' },
  'error.unavailable': { 'zh-CN': '服务暂时不可用，请稍后重试。', en: 'The service is unavailable for now; try again shortly.' },
} satisfies Messages;
