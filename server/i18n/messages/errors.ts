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
} satisfies Messages;
