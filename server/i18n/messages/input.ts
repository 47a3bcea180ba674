import type { Messages } from '../types.js';

/** Wording for requests refused at the edge, before any page handles them. */
export const inputMessages = {
  'input.controlCharacters': {
    'zh-CN': '提交的内容含有不允许的控制字符（例如 NUL），请删除后重试：',
    en: 'The request contains control characters that text may not hold (such as NUL); remove them and try again:',
  },
} satisfies Messages;
