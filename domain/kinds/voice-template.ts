import { z } from 'zod';
import { OTHER_REASON, reason } from '../rejection-reasons.js';
import { defineKind } from './definition.js';
import { CONTROL, text } from '../text.js';

export const SPEEDS = ['slow', 'normal', 'fast'] as const;
export const SPEAKERS = ['xiaoyan_female', 'xiaofeng_male', 'xiaomei_female_cantonese', 'catherine_female_en'] as const;

export const TEMPLATE_NAME_MAX = 64;
export const TEMPLATE_CONTENT_MAX = 500;

/** Latin letters, digits, underscore and Chinese characters; no spaces. */
export const NAME_CHARS = 'A-Za-z0-9_\\p{Script=Han}';
/** A name of templates, audio files and apps: 1-64 of those characters. */
export const nameText = (trim: boolean) => text({ trim, min: 1, max: TEMPLATE_NAME_MAX, chars: NAME_CHARS, charsMessage: 'v.name_chars' });

const VARIABLE = /\$\{([^}]*)\}/g;
const KNOWN_NAMES = 'DATE|TIME|(?:TXT|NUM)_(?:[1-9]|[12][0-9]|3[0-2])';
const KNOWN_VARIABLE = new RegExp(`^(?:${KNOWN_NAMES})$`);
/**
 * Template content as a pattern: every `${` opens a known variable (`$` runs before one are text).
 * The same language as unknownVariables, which names what is wrong.
 */
export const CONTENT_PATTERN = `^(?:[^$${CONTROL}]|\\$+(?:\\{(?:${KNOWN_NAMES})\\}|[^{$${CONTROL}]))*\\$*$`;

/** Returns the names of `${...}` variables that are not of a known type, in order of appearance. */
export function unknownVariables(content: string): string[] {
  const unknown: string[] = [];
  for (const match of content.matchAll(VARIABLE)) {
    const name = match[1] ?? '';
    if (!KNOWN_VARIABLE.test(name)) unknown.push(name);
  }
  // A "${" that never closes is also an unknown variable. Each variable leaves a space behind, so
  // that the "$" before one and the "{" after it do not meet as a "${" of their own.
  const unclosed = content.replace(VARIABLE, ' ').indexOf('${');
  if (unclosed >= 0) unknown.push(content.slice(unclosed + 2, unclosed + 12));
  return unknown;
}

/** The variables a template uses, in order, each once. */
export function templateVariables(content: string): string[] {
  return [...new Set([...content.matchAll(VARIABLE)].map((m) => m[1] ?? '').filter((v) => KNOWN_VARIABLE.test(v)))];
}

export const voiceTemplateInput = z
  .object({
    name: nameText(false),
    speed: z.enum(SPEEDS),
    speaker: z.enum(SPEAKERS),
    content: text({ min: 1, max: TEMPLATE_CONTENT_MAX, pattern: CONTENT_PATTERN }).superRefine((content, ctx) => {
      for (const name of unknownVariables(content)) ctx.addIssue({ code: 'custom', message: 'v.unknown_variable', params: { name } });
    }),
    scenario: text({ trim: true, min: 1, max: 256 }),
  })
  .strict();

export type VoiceTemplateInput = z.infer<typeof voiceTemplateInput>;

export const voiceTemplateKind = defineKind<VoiceTemplateInput>({
  kind: 'voice_template',
  label: { 'zh-CN': '语音模板', en: 'Voice template' },
  subjectPrefix: 'VT',
  input: voiceTemplateInput,
  intake: { type: 'json' },
  api: { path: 'voice-templates', resubmit: true, withdraw: true, idAlias: 'templateId', summary: 'a voice template' },
  title: (input) => input.name,
  summary: (input) => input.content,
  deadlines: { review: { type: 'working_minutes', minutes: 540 } },
  rejectionReasons: [
    reason('content_unclear', '模板内容表述不清', 'The template content is unclear'),
    reason('variables_misused', '变量使用不规范', 'Variables are used incorrectly'),
    reason('scenario_mismatch', '内容与业务场景不符', 'The content does not match the business scenario'),
    reason('prohibited_content', '包含违规或营销内容', 'The content is prohibited or promotional'),
    reason('banned_words', '包含禁用词', 'The content contains banned words'),
    reason('template_limits', '超出模板长度或变量个数限制', 'The template is too long or uses too many variables'),
    OTHER_REASON,
  ],
  subscription: 'voice_template',
  stages: { precheck: true, review: true, fulfilment: null },
  checks: { template: { bannedPhrases: [], maxVariables: 10, maxLength: TEMPLATE_CONTENT_MAX } },
});
