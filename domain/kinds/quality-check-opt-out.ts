import { z } from 'zod';
import { OTHER_REASON, reason } from '../rejection-reasons.js';
import { defineKind } from './definition.js';

/** Opened by turning an app's quality checks off, never submitted on its own. */
export const qualityCheckOptOutInput = z
  .object({
    appId: z.uuid(),
    appName: z.string().min(1).max(64),
  })
  .strict();
export type QualityCheckOptOutInput = z.infer<typeof qualityCheckOptOutInput>;

export const qualityCheckOptOutKind = defineKind<QualityCheckOptOutInput>({
  kind: 'quality_check_opt_out',
  label: { 'zh-CN': '关闭语音质检', en: 'Quality-check opt-out' },
  subjectPrefix: 'QC',
  input: qualityCheckOptOutInput,
  intake: { type: 'json' },
  api: null,
  title: (input) => input.appName,
  deadlines: { review: { type: 'end_of_working_day', days: 1 } },
  rejectionReasons: [
    reason('checks_required', '该业务需保留语音质检', 'Quality checks must stay on for this business'),
    reason('complaints_open', '该应用存在未处理的投诉', 'The app has open complaints'),
    OTHER_REASON,
  ],
  subscription: 'quality_check_opt_out',
  stages: { precheck: false, review: true, fulfilment: null },
});
