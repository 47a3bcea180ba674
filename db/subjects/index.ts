import type { ReviewKind } from '../../domain/review.js';
import { audioFileStore } from './audio-file.js';
import { enterpriseQualificationStore } from './enterprise-qualification.js';
import { qualityCheckOptOutStore } from './quality-check-opt-out.js';
import { numberOrderStore } from './number-order.js';
import { numberUnsubscribeStore } from './number-unsubscribe.js';
import { serviceActivationStore } from './service-activation.js';
import type { SubjectStore } from './store.js';
import { voiceTemplateStore } from './voice-template.js';

/** Where each kind's submitted objects live. Typed over ReviewKind: a kind without a store fails to compile. */
export const SUBJECT_STORES: Record<ReviewKind, SubjectStore> = {
  service_activation: serviceActivationStore,
  enterprise_qualification: enterpriseQualificationStore,
  voice_template: voiceTemplateStore,
  audio_file: audioFileStore,
  quality_check_opt_out: qualityCheckOptOutStore,
  number_order: numberOrderStore,
  number_unsubscribe: numberUnsubscribeStore,
};

export function storeOf(kind: ReviewKind): SubjectStore {
  return SUBJECT_STORES[kind];
}

export type { SubjectStore } from './store.js';
