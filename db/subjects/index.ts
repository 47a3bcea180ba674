import type { ReviewKind } from '../../domain/review.js';
import { audioFileStore } from './audio-file.js';
import { enterpriseQualificationStore } from './enterprise-qualification.js';
import { qualityCheckOptOutStore } from './quality-check-opt-out.js';
import { serviceActivationStore } from './service-activation.js';
import type { SubjectStore } from './store.js';
import { voiceTemplateStore } from './voice-template.js';

/** Where each kind's submitted objects live. Typed over ReviewKind: a kind without a store fails to compile. */
export const SUBJECT_STORES: Partial<Record<ReviewKind, SubjectStore>> = {
  service_activation: serviceActivationStore,
  enterprise_qualification: enterpriseQualificationStore,
  voice_template: voiceTemplateStore,
  audio_file: audioFileStore,
  quality_check_opt_out: qualityCheckOptOutStore,
};

export function storeOf(kind: ReviewKind): SubjectStore {
  const store = SUBJECT_STORES[kind];
  if (!store) throw new Error(`no subject store for ${kind}`);
  return store;
}

export type { SubjectDeps, SubjectStore } from './store.js';
