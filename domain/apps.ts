import { z } from 'zod';
import { BUSINESS_TYPES } from './business-types.js';
import { NAME_PATTERN } from './kinds/voice-template.js';

/**
 * Apps (应用): how a tenant uses one business type. An app is never deleted and its business type
 * never changes; recording once on stays on; turning quality checks off is reviewed.
 */

export const MAX_APP_QUOTA = 1000;
export const APP_NAME_MAX = 64;
export const CALLBACK_URL_MAX = 2048;
export const APP_STATUSES = ['normal', 'disabled'] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

/** Letters, digits, underscore and Chinese characters; no spaces; at most 64 characters. */
export const appName = z.string().min(1, { abort: true }).max(APP_NAME_MAX).regex(NAME_PATTERN, { error: 'v.name_chars' });

/** Why a callback URL is refused, or null when it is a well-formed https URL a server can call. */
export function callbackUrlProblem(raw: string): 'v.url_spaces' | 'v.url_https' | 'v.url_scheme' | 'v.url_credentials' | null {
  if (/\s/u.test(raw)) return 'v.url_spaces';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return 'v.url_https';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'v.url_https';
  }
  if (url.protocol !== 'https:') return 'v.url_scheme';
  if (url.username !== '' || url.password !== '') return 'v.url_credentials';
  if (url.hostname === '' || raw.toLowerCase().startsWith('https:///')) return 'v.url_https';
  return null;
}

/** An optional https callback; null (or an empty string) means none. */
const callbackUrl = z
  .string()
  .max(CALLBACK_URL_MAX)
  .meta({ format: 'uri', description: 'https, well formed, without spaces or credentials; null or "" for none' })
  .superRefine((v, ctx) => {
    const problem = v === '' ? null : callbackUrlProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .nullable()
  .transform((v) => (v === '' ? null : v));

export const createAppInput = z
  .object({
    name: appName,
    businessType: z.enum(BUSINESS_TYPES),
    recording: z.boolean().default(false),
    qualityCheck: z.boolean().default(false),
    statusCallbackUrl: callbackUrl.optional().transform((v) => v ?? null),
    cdrCallbackUrl: callbackUrl.optional().transform((v) => v ?? null),
  })
  .strict();
export type CreateAppInput = z.infer<typeof createAppInput>;

export const changeAppInput = z
  .object({
    name: appName.optional(),
    /** Accepted only when it repeats the app's type: the type of an app never changes. */
    businessType: z.string().optional(),
    status: z.enum(APP_STATUSES).optional(),
    recording: z.boolean().optional(),
    qualityCheck: z.boolean().optional(),
    statusCallbackUrl: callbackUrl.optional(),
    cdrCallbackUrl: callbackUrl.optional(),
  })
  .strict();
export type ChangeAppInput = z.infer<typeof changeAppInput>;

/** The parts of an app a tenant's change is judged against. */
export interface AppState {
  name: string;
  businessType: string;
  status: AppStatus;
  recording: boolean;
  qualityCheck: boolean;
  statusCallbackUrl: string | null;
  cdrCallbackUrl: string | null;
}

export type AppChanges = Partial<Pick<AppState, 'name' | 'status' | 'recording' | 'qualityCheck' | 'statusCallbackUrl' | 'cdrCallbackUrl'>>;

export type AppRefusalCode = 'business_type_fixed' | 'recording_irreversible' | 'recording_required' | 'opt_out_alone';

/**
 * What a change does: fields that change at once, and whether it asks for quality checks to be
 * turned off (a review). Values equal to the app's own are no change. Refusals name the field.
 */
export type AppChangePlan = { changes: AppChanges; optOut: boolean } | { refusal: AppRefusalCode; path: string };

export function planAppChange(app: AppState, input: ChangeAppInput): AppChangePlan {
  if (input.businessType !== undefined && input.businessType !== app.businessType) return { refusal: 'business_type_fixed', path: 'businessType' };
  if (app.recording && input.recording === false) return { refusal: 'recording_irreversible', path: 'recording' };
  const changes: AppChanges = {};
  for (const key of ['name', 'status', 'recording', 'statusCallbackUrl', 'cdrCallbackUrl'] as const) {
    const value = input[key];
    if (value !== undefined && value !== app[key]) (changes as Record<string, unknown>)[key] = value;
  }
  const recording = changes.recording ?? app.recording;
  if (input.qualityCheck === true && !app.qualityCheck) {
    if (!recording) return { refusal: 'recording_required', path: 'qualityCheck' };
    changes.qualityCheck = true;
  }
  const optOut = input.qualityCheck === false && app.qualityCheck;
  // An opt-out is a request that may be refused: other changes riding on it would be half-applied.
  if (optOut && Object.keys(changes).length > 0) return { refusal: 'opt_out_alone', path: 'qualityCheck' };
  return { changes, optOut };
}

export const APP_REFUSAL_TEXT: Record<AppRefusalCode | 'service_not_active' | 'app_quota' | 'name_taken' | 'opt_out_pending', { status: 409 | 422; 'zh-CN': string; en: string }> = {
  business_type_fixed: { status: 422, 'zh-CN': '应用的业务类型不能修改', en: 'the business type of an app never changes' },
  recording_irreversible: { status: 422, 'zh-CN': '录音一经开启不能关闭', en: 'recording, once on, cannot be turned off' },
  recording_required: { status: 422, 'zh-CN': '开启语音质检需先开启录音', en: 'quality checks need recording to be on' },
  opt_out_alone: {
    status: 422,
    'zh-CN': '关闭语音质检需要审核，请单独提交，不要同时修改其他字段',
    en: 'turning quality checks off is reviewed: send it on its own, without other changes',
  },
  service_not_active: { status: 422, 'zh-CN': '该业务类型尚未开通', en: 'this business type is not active for you; apply for it first' },
  app_quota: { status: 409, 'zh-CN': '应用数量已达上限', en: 'you have as many apps as your quota allows' },
  name_taken: { status: 409, 'zh-CN': '已有同名应用（不区分大小写）', en: 'you already have an app with this name (ignoring case)' },
  opt_out_pending: { status: 409, 'zh-CN': '已有关闭语音质检的申请在审核中', en: 'a request to turn quality checks off is already under review' },
};
