import { z } from 'zod';

/** What a tenant's contact can subscribe to (the platform's four result notices, plus this system's own). */
export const NOTICE_SUBSCRIPTIONS = [
  'number_order',
  'enterprise_qualification',
  'audio_file',
  'voice_template',
  'service_activation',
  'quality_check_opt_out',
  'reminder_reply',
] as const;
export type NoticeSubscription = (typeof NOTICE_SUBSCRIPTIONS)[number];

export const MAX_CONTACTS_PER_TENANT = 10;

/** +country code and digits; a bare 11-digit mainland mobile gets +86 (the default country). */
export function normaliseMobile(raw: string): string {
  const compact = raw.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(compact)) return `+86${compact}`;
  return compact;
}

export const contactInput = z
  .object({
    name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(64, 'name must be at most 64 characters'),
    mobile: z
      .string({ error: 'mobile is required' })
      .transform(normaliseMobile)
      .refine((m) => /^\+[1-9]\d{6,14}$/.test(m), 'mobile must be a phone number with its country code, e.g. +8613800138000')
      .refine((m) => !m.startsWith('+86') || /^\+861[3-9]\d{9}$/.test(m), 'a +86 mobile number has 11 digits starting with 13-19'),
    email: z.email({ error: 'email must be a valid address' }).max(254),
    language: z.enum(['zh-CN', 'en'], { error: 'language must be zh-CN or en' }).default('zh-CN'),
    subscriptions: z
      .array(z.enum(NOTICE_SUBSCRIPTIONS, { error: `each subscription must be one of ${NOTICE_SUBSCRIPTIONS.join(', ')}` }))
      .max(NOTICE_SUBSCRIPTIONS.length)
      .default([])
      .transform((s) => [...new Set(s)]),
  })
  .strict();

export type ContactInput = z.infer<typeof contactInput>;
