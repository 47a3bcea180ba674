import type { Messages } from '../types.js';

/** The wording of the local mail and SMS sinks' pages. */
export const devSinkMessages = {
  'dev.attachments': { 'zh-CN': '附件', en: 'Attachments' },
} satisfies Messages;
