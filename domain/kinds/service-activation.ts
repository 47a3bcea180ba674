import { z } from 'zod';
import { BUSINESS_TYPES } from '../business-types.js';
import { OTHER_REASON, reason } from '../rejection-reasons.js';
import { defineKind } from './definition.js';
import { text } from '../text.js';

export const CARRIER_TYPES = ['app', 'mini_program', 'website', 'official_account', 'h5', 'other'] as const;
export const ENTERPRISE_NATURES = ['channel', 'saas', 'direct'] as const;

export const serviceActivationInput = z
  .object({
    businessType: z.enum(BUSINESS_TYPES),
    enterpriseName: text({ trim: true, min: 1, max: 128 }),
    carrier: z
      .object({
        type: z.enum(CARRIER_TYPES),
        name: text({ trim: true, min: 1, max: 128, minMessage: 'v.carrier_name' }),
      })
      .strict(),
    nature: z.enum(ENTERPRISE_NATURES),
    industry: text({ trim: true, min: 1, max: 64 }),
    scenario: text({ trim: true, min: 1, max: 256 }),
    script: text({ trim: true, min: 1, max: 256 }),
    usedSimilarProduct: z.boolean(),
    expectedDailyMinutes: z.number().int().min(0).max(100_000_000),
  })
  .strict();

export type ServiceActivationInput = z.infer<typeof serviceActivationInput>;

export const serviceActivationKind = defineKind<ServiceActivationInput>({
  kind: 'service_activation',
  label: { 'zh-CN': '开通服务', en: 'Service activation' },
  subjectPrefix: 'SA',
  input: serviceActivationInput,
  intake: { type: 'json' },
  api: { path: 'service-activations', resubmit: true, withdraw: false, summary: 'an application to use one business type' },
  title: (input) => input.enterpriseName,
  summary: (input) => input.scenario,
  deadlines: { review: { type: 'end_of_working_day', days: 0 } },
  rejectionReasons: [
    reason('enterprise_name_mismatch', '企业名称与营业执照不一致', 'The enterprise name does not match the business licence'),
    reason('scenario_unclear', '业务场景描述不清', 'The business scenario is unclear'),
    reason('script_noncompliant', '使用话术不合规', 'The call script does not comply with the rules'),
    reason('carrier_unverifiable', '业务承载方无法核实', 'The carrier of the business cannot be verified'),
    reason('industry_not_served', '所属行业暂不支持该业务', 'This business type is not offered to the industry'),
    OTHER_REASON,
  ],
  subscription: 'service_activation',
  declaration: 'service_statement',
  stages: { precheck: false, review: true, fulfilment: null },
});
