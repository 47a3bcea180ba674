import type { ReviewKind } from '../review.js';
import type { AnyKindDefinition } from './definition.js';
import { audioFileKind } from './audio-file.js';
import { enterpriseQualificationKind } from './enterprise-qualification.js';
import { numberOrderKind } from './number-order.js';
import { numberUnsubscribeKind } from './number-unsubscribe.js';
import { qualityCheckOptOutKind } from './quality-check-opt-out.js';
import { serviceActivationKind } from './service-activation.js';
import { voiceTemplateKind } from './voice-template.js';

/**
 * Every kind's name, in the order queues, filters and statistics list them. A plain list rather
 * than KINDS' keys: the definitions are typed over these names, and TypeScript cannot read a
 * type off the object those same definitions make up.
 */
export const REVIEW_KINDS = [
  'service_activation',
  'enterprise_qualification',
  'voice_template',
  'audio_file',
  'quality_check_opt_out',
  'number_order',
  'number_unsubscribe',
] as const;

/** Every review kind's definition. Typed over ReviewKind: a kind named above but not here fails to compile. */
export const KINDS: Record<ReviewKind, AnyKindDefinition> = {
  service_activation: serviceActivationKind,
  enterprise_qualification: enterpriseQualificationKind,
  voice_template: voiceTemplateKind,
  audio_file: audioFileKind,
  quality_check_opt_out: qualityCheckOptOutKind,
  number_order: numberOrderKind,
  number_unsubscribe: numberUnsubscribeKind,
};

export function kindOf(kind: string): AnyKindDefinition | undefined {
  return (KINDS as Record<string, AnyKindDefinition>)[kind];
}

export type { AnyKindDefinition, FileRule, FileType } from './definition.js';
