import { z } from 'zod';
import { KINDS } from './kinds/index.js';
import type { ReviewKind } from './review.js';
import { INTERNATIONAL_MOBILE_PATTERN, text } from './text.js';

/** What a tenant's contact can subscribe to: a kind's results (each kind names whose it sends), and replies to reminders. */
export type NoticeSubscription = ReviewKind | 'reminder_reply';
export const NOTICE_SUBSCRIPTIONS: readonly [NoticeSubscription, ...NoticeSubscription[]] = ['reminder_reply', ...new Set(Object.values(KINDS).map((k) => k.subscription))];

export const MAX_CONTACTS_PER_TENANT = 10;

/** +country code and digits; a bare 11-digit mainland mobile gets +86 (the default country). */
export function normaliseMobile(raw: string): string {
  const compact = raw.replace(/[\s-]/g, '');
  if (/^1\d{10}$/.test(compact)) return `+86${compact}`;
  return compact;
}

/**
 * An e-mail address as the tenant API takes it: ASCII, a local part of letters, digits and
 * _ ' + - . (not starting with a dot, no two dots in a row, not ending with ' or .), and a domain
 * of labels ending in a top-level name of two letters or more. zod's own address rule, written
 * without lookaround so the OpenAPI document can state it exactly.
 */
export const EMAIL_PATTERN = "^(?:[A-Za-z0-9_'+-]+[.])*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*[.])+[A-Za-z]{2,}$";

export const contactInput = z
  .object({
    name: text({ trim: true, min: 1, max: 64 }),
    mobile: z
      .string({ error: 'mobile is required' })
      .meta({ pattern: INTERNATIONAL_MOBILE_PATTERN })
      .transform(normaliseMobile)
      .refine((m) => /^\+[1-9]\d{6,14}$/.test(m), 'v.mobile')
      .refine((m) => !m.startsWith('+86') || /^\+861[3-9]\d{9}$/.test(m), 'v.mobile_cn'),
    email: z.string().max(254).regex(new RegExp(EMAIL_PATTERN), { error: 'v.email' }),
    language: z.enum(['zh-CN', 'en'], { error: 'language must be zh-CN or en' }).default('zh-CN'),
    subscriptions: z
      .array(z.enum(NOTICE_SUBSCRIPTIONS, { error: `each subscription must be one of ${NOTICE_SUBSCRIPTIONS.join(', ')}` }))
      .max(NOTICE_SUBSCRIPTIONS.length)
      .default([])
      .transform((s) => [...new Set(s)]),
  })
  .strict();

export type ContactInput = z.infer<typeof contactInput>;
