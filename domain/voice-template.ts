import { z } from 'zod';

/** Everything that is particular to the voice-template review lives here. */

export const SPEEDS = ['slow', 'normal', 'fast'] as const;
export const SPEAKERS = ['xiaoyan_female', 'xiaofeng_male', 'xiaomei_female_cantonese', 'catherine_female_en'] as const;

export const TEMPLATE_NAME_MAX = 64;
export const TEMPLATE_CONTENT_MAX = 500;

/** Latin letters, digits, underscore and Chinese characters; no spaces. */
const NAME_PATTERN = /^[A-Za-z0-9_\p{Script=Han}]+$/u;

const VARIABLE = /\$\{([^}]*)\}/g;
const KNOWN_VARIABLE = /^(?:DATE|TIME|(?:TXT|NUM)_([1-9]|[12]\d|3[0-2]))$/;

/** Returns the names of `${...}` variables that are not of a known type, in order of appearance. */
export function unknownVariables(content: string): string[] {
  const unknown: string[] = [];
  for (const match of content.matchAll(VARIABLE)) {
    const name = match[1] ?? '';
    if (!KNOWN_VARIABLE.test(name)) unknown.push(name);
  }
  // A "${" that never closes is also an unknown variable.
  const unclosed = content.replace(VARIABLE, '').indexOf('${');
  if (unclosed >= 0) unknown.push(content.slice(unclosed + 2, unclosed + 12));
  return unknown;
}

export const voiceTemplateInput = z
  .object({
    name: z
      .string({ error: 'name is required' })
      .min(1, 'name is required')
      .max(TEMPLATE_NAME_MAX, `name must be at most ${TEMPLATE_NAME_MAX} characters`)
      .regex(NAME_PATTERN, 'name may contain only letters, digits, underscore and Chinese characters, without spaces'),
    speed: z.enum(SPEEDS, { error: `speed must be one of ${SPEEDS.join(', ')}` }),
    speaker: z.enum(SPEAKERS, { error: `speaker must be one of ${SPEAKERS.join(', ')}` }),
    content: z
      .string({ error: 'content is required' })
      .min(1, 'content is required')
      .max(TEMPLATE_CONTENT_MAX, `content must be at most ${TEMPLATE_CONTENT_MAX} characters`)
      .superRefine((content, ctx) => {
        for (const name of unknownVariables(content)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown variable \${${name}}: use DATE, TIME, TXT_n or NUM_n with n from 1 to 32`,
          });
        }
      }),
    scenario: z.string({ error: 'scenario is required' }).trim().min(1, 'scenario is required').max(256, 'scenario must be at most 256 characters'),
  })
  .strict();

export type VoiceTemplateInput = z.infer<typeof voiceTemplateInput>;
