import type { Language } from '../domain/labels.js';
import { coreMessages } from './messages/core.js';
import { refusalMessages } from './messages/refusals.js';
import { subjectMessages } from './messages/subjects.js';
import { devSinkMessages } from './messages/dev-sinks.js';
import { securityMessages } from './messages/security.js';
import { errorMessages } from './messages/errors.js';
import { serviceMessages } from './messages/services.js';
import { formMessages } from './messages/forms.js';
import { queueMessages } from './messages/queue.js';
import { noticeMessages } from './messages/notices.js';
import { tenantPageMessages } from './messages/tenant-page.js';
import { reviewPageMessages } from './messages/review-page.js';
import { appsAudioMessages } from './messages/apps-audio.js';
import { rulesMessages } from './messages/rules.js';
import { insightMessages } from './messages/insight.js';
import { numberMessages } from './messages/numbers.js';
import { edgeMessages } from './messages/edge.js';
import { outageMessages } from './messages/outages.js';
import { appRefusalMessages, gateMessages, gateNoticeMessages } from './messages/gates.js';
import { declarationMessages } from './messages/declarations.js';
import { enterpriseMessages } from './messages/enterprise.js';
import { unsubscribeMessages } from './messages/unsubscribe.js';
import { scheduleMessages } from './messages/schedule.js';
import { apiErrorMessages } from './messages/api-errors.js';
import { reasonMessages } from './messages/reasons.js';
import { flashMessages } from './messages/flash.js';
import { labelMessages } from './messages/labels.js';
import type { Messages } from './types.js';

/**
 * Back-office wording. zh-CN is the default; English is one click away. Each area keeps its
 * wording in its own file under messages/; a key defined twice is a mistake the tests catch.
 */
export const MESSAGE_SOURCES: Record<string, Messages> = {
  core: coreMessages,
  refusals: refusalMessages,
  subjects: subjectMessages,
  security: securityMessages,
  devSinks: devSinkMessages,
  errors: errorMessages,
  services: serviceMessages,
  forms: formMessages,
  queue: queueMessages,
  notices: noticeMessages,
  tenantPage: tenantPageMessages,
  reviewPage: reviewPageMessages,
  appsAudio: appsAudioMessages,
  rules: rulesMessages,
  insight: insightMessages,
  numbers: numberMessages,
  edge: edgeMessages,
  outages: outageMessages,
  gates: gateMessages,
  appRefusals: appRefusalMessages,
  gateNotices: gateNoticeMessages,
  declarations: declarationMessages,
  enterprise: enterpriseMessages,
  unsubscribe: unsubscribeMessages,
  schedule: scheduleMessages,
  apiErrors: apiErrorMessages,
  reasons: reasonMessages,
  flash: flashMessages,
  labels: labelMessages,
};

const messages: Messages = Object.assign({}, ...Object.values(MESSAGE_SOURCES));

export function hasMessage(key: string): boolean {
  return key in messages;
}

export function translate(lang: Language, key: string): string {
  const m = messages[key];
  return m ? m[lang] : key;
}

export function pickLanguage(cookie: string | undefined, fallback: Language = 'zh-CN'): Language {
  return cookie === 'en' || cookie === 'zh-CN' ? cookie : fallback;
}

/** Fills {name} placeholders of a translated message. */
export function translateWith(lang: Language, key: string, params: Record<string, string> = {}): string {
  return translate(lang, key).replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}
