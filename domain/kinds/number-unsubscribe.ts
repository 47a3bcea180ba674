import { z } from 'zod';
import { text } from '../text.js';
import { OTHER_REASON } from '../rejection-reasons.js';
import { defineKind } from './definition.js';

export const MAX_UNSUBSCRIBE_NUMBERS = 10_000;

const note = text({ trim: true, max: 100 }).default('');

export const numberUnsubscribeInput = z.object({ note }).strict();

/** The same batch as JSON: the numbers picked from the tenant's list instead of a sheet. */
export const numberUnsubscribeJsonInput = z
  .object({
    numbers: z.array(text({ max: 64 })).min(1).max(MAX_UNSUBSCRIBE_NUMBERS),
    note,
  })
  .strict();
export type NumberUnsubscribeInput = z.infer<typeof numberUnsubscribeInput> & { numbers?: string[] };

export const numberUnsubscribeKind = defineKind<NumberUnsubscribeInput>({
  kind: 'number_unsubscribe',
  label: { 'zh-CN': '号码退订', en: 'Number unsubscribe' },
  subjectPrefix: 'NU',
  input: numberUnsubscribeInput,
  jsonInput: numberUnsubscribeJsonInput,
  intake: { type: 'multipart', files: { file: { types: ['xlsx'], maxBytes: 10 * 1024 * 1024, required: true, label: { 'zh-CN': '号码清单', en: 'Number list' } } } },
  api: { path: 'number-unsubscriptions', resubmit: false, withdraw: false, summary: 'a batch of numbers to release' },
  title: (input) => input.note,
  deadlines: { review: { type: 'end_of_working_day', days: 1 } },
  rejectionReasons: [OTHER_REASON],
  subscription: 'number_order',
  stages: { precheck: false, review: false, fulfilment: 'batch' },
});
