import type { ServiceState } from './business-types.js';

/** What staff may do to a granted business type, and the audited name of each. */
export const SERVICE_ACTIONS = {
  freeze: { from: ['active'], to: 'frozen', audit: 'freezeVoiceCallService', notice: 'service.frozen' },
  resume: { from: ['frozen'], to: 'active', audit: 'resumeVoiceCallService', notice: 'service.resumed' },
  cancel: { from: ['active', 'frozen'], to: 'cancelled', audit: 'cancelVoiceCallService', notice: 'service.cancelled' },
} as const satisfies Record<string, { from: ServiceState[]; to: ServiceState; audit: string; notice: string }>;

export type ServiceAction = keyof typeof SERVICE_ACTIONS;

export function isServiceAction(v: string): v is ServiceAction {
  return v in SERVICE_ACTIONS;
}
