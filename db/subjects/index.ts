import type { ReviewKind } from '../../domain/review.js';
import { enterpriseQualificationStore } from './enterprise-qualification.js';
import { numberOrderStore } from './number-order.js';
import { numberUnsubscribeStore } from './number-unsubscribe.js';
import { serviceActivationStore } from './service-activation.js';
import type { SubjectStore } from './store.js';
import { voiceTemplateStore } from './voice-template.js';

/** Where each kind's submitted objects live. Typed over ReviewKind: a kind without a store fails to compile. */
export const SUBJECT_STORES: Partial<Record<ReviewKind, SubjectStore>> = {
  service_activation: serviceActivationStore,
  enterprise_qualification: enterpriseQualificationStore,
  voice_template: voiceTemplateStore,
  number_order: numberOrderStore,
  number_unsubscribe: numberUnsubscribeStore,
};

export function storeOf(kind: ReviewKind): SubjectStore {
  const store = SUBJECT_STORES[kind];
  if (!store) throw new Error(`no subject store for ${kind}`);
  return store;
}

export type { SubjectDeps, SubjectStore } from './store.js';
