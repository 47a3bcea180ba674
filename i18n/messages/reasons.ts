import type { Messages } from '../types.js';

/**
 * Rejection reasons as each reader gets them: a reason and its explanation joined with the
 * language's own colon, and what an automatic check found, worded from the facts it kept.
 */
export const reasonMessages = {
  'reason.withExplanation': { 'zh-CN': '{reason}：{explanation}', en: '{reason}: {explanation}' },
  'reason.quoted': { 'zh-CN': '“{text}”', en: '“{text}”' },
  'reason.wordSeparator': { 'zh-CN': '、', en: ', ' },
  'reason.partSeparator': { 'zh-CN': '；', en: '; ' },
  'reason.bannedWords': { 'zh-CN': '包含禁用词：{words}', en: 'Contains banned words: {words}' },
  'reason.tooLong': { 'zh-CN': '内容{actual}字，超过上限{max}字', en: 'the content has {actual} characters, more than the {max} allowed' },
  'reason.tooManyVariables': { 'zh-CN': '使用{actual}个变量，超过上限{max}个', en: 'it uses {actual} variables, more than the {max} allowed' },
} satisfies Messages;
