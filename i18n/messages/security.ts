import type { Messages } from '../types.js';

/** The wording of sign-in locks and refused cross-site requests. */
export const securityMessages = {
  'login.locked': {
    'zh-CN': '登录失败次数过多，暂时无法登录。请在以下时间之后再试：',
    en: 'Too many failed sign-ins: signing in is paused for now. Try again after',
  },
  'security.foreignOrigin': {
    'zh-CN': '该请求不是从本系统的页面发出的，已拒绝。请回到本系统页面重新操作。',
    en: 'This request did not come from a page of this site and was refused. Go back to the page and try again.',
  },
} satisfies Messages;
