import { z } from 'zod';
import { OTHER_REASON, reason } from '../rejection-reasons.js';
import { defineKind } from './definition.js';
import { cnMobile, text } from '../text.js';
import { UUID } from '../ids.js';

export const MAX_ORDER_CITIES = 32;
export const MAX_NUMBERS_PER_CITY = 100;

export const numberOrderInput = z
  .object({
    enterpriseId: text({ trim: true, min: 1, max: 40 }),
    appId: text({ trim: true, min: 1, max: 40 }),
    /** The business contact, one of the tenant's contacts (it then hears the order's notices)… */
    contactId: z.string().regex(UUID, { error: 'v.contact_id' }).optional(),
    /** …or typed inline. */
    contact: z.object({ name: text({ trim: true, min: 1, max: 64 }), mobile: cnMobile }).strict().optional(),
    cities: z
      .array(z.object({ city: text({ trim: true, min: 1, max: 32 }), count: z.number().int().min(1).max(MAX_NUMBERS_PER_CITY) }).strict())
      .min(1)
      .max(MAX_ORDER_CITIES)
      .meta({ description: 'Each city once (compared after trimming): checked, but not expressible as uniqueItems, which compares whole entries.' })
      .superRefine((cities, ctx) => {
        const seen = new Set<string>();
        cities.forEach((c, i) => {
          if (seen.has(c.city)) ctx.addIssue({ code: 'custom', path: [i, 'city'], message: 'v.duplicate_city', params: { city: c.city } });
          seen.add(c.city);
        });
      }),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.contact === undefined && v.contactId === undefined) ctx.addIssue({ code: 'custom', path: ['contactId'], message: 'v.contact_required' });
    if (v.contact !== undefined && v.contactId !== undefined) ctx.addIssue({ code: 'custom', path: ['contact'], message: 'v.contact_both' });
  })
  // Exactly one of the two: what the JSON Schema cannot say of the object alone.
  .meta({ oneOf: [{ required: ['contactId'] }, { required: ['contact'] }] });
export type NumberOrderInput = z.infer<typeof numberOrderInput>;

export const numberOrderKind = defineKind<NumberOrderInput>({
  kind: 'number_order',
  label: { 'zh-CN': '号码订购', en: 'Number order' },
  subjectPrefix: 'NO',
  input: numberOrderInput,
  intake: { type: 'json' },
  api: { path: 'number-orders', resubmit: false, withdraw: false, summary: 'an order of fixed-line numbers' },
  title: (input) => input.cities.map((c) => `${c.city}×${c.count}`).join(' '),
  deadlines: { review: { type: 'end_of_working_day', days: 1 }, fulfilment: { type: 'end_of_working_day', days: 10 } },
  rejectionReasons: [
    reason('city_unavailable', '所选城市暂无可用号码', 'No numbers are available in a chosen city'),
    reason('quantity_excessive', '申请数量与业务规模不符', 'The quantity does not fit the business'),
    reason('contact_invalid', '业务联系人信息有误', 'The business contact is not valid'),
    OTHER_REASON,
  ],
  subscription: 'number_order',
  stages: { precheck: false, review: true, fulfilment: 'provisioning' },
});
