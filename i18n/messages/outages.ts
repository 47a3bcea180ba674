import type { Messages } from '../types.js';

/** Wording for a store of truth being away (the database stopped or restarting). */
export const outageMessages = {
  'error.databaseUnavailable': {
    'zh-CN': '数据库暂时不可用（可能正在重启），本次操作未完成，请稍后重试。',
    en: 'The database is unavailable for the moment (it may be restarting); what you did was not completed. Try again shortly.',
  },
} satisfies Messages;
