import type { Messages } from '../types.js';

/** Wording for back-office requests refused at the edge for their form, not their content. */
export const edgeMessages = {
  'error.unsupportedMediaType': {
    'zh-CN': '请通过页面上的表单提交（application/x-www-form-urlencoded）。',
    en: 'Send this with the form on the page (application/x-www-form-urlencoded).',
  },
} satisfies Messages;
