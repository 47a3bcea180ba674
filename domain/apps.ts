import { z } from 'zod';
import { BUSINESS_TYPES } from './business-types.js';
import { audioFileKind } from './kinds/audio-file.js';
import { nameText } from './kinds/voice-template.js';
import { CONTROL, TRIMMED } from './text.js';

/**
 * Apps (应用): how a tenant uses one business type. An app is never deleted and its business type
 * never changes; recording once on stays on; turning quality checks off is reviewed.
 */

export const MAX_APP_QUOTA = 1000;
export const CALLBACK_URL_MAX = 2048;
export const APP_STATUSES = ['normal', 'disabled'] as const;
/** What the tenant reads: an app is shown `frozen` while its business type is (domain/gates.ts). */
export const SHOWN_APP_STATUSES = [...APP_STATUSES, 'frozen'] as const;
export const AUDIO_FILE_ID = new RegExp(`^${audioFileKind.subjectPrefix}[0-9A-Z]{16}$`);
export type AppStatus = (typeof APP_STATUSES)[number];

/** Letters, digits, underscore and Chinese characters; no spaces; at most 64 characters. */
export const appName = nameText(false);

/**
 * A host a server can be called at, as the URL parser leaves it (lower case, international names
 * in punycode): DNS labels, or an IPv4 or bracketed IPv6 address. The parser itself lets through
 * hosts such as "`" that no server has.
 */
const HOST = /^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|\[[0-9a-f:.]+\])$/;

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
  if (url.hostname === '' || raw.toLowerCase().startsWith('https:///') || !HOST.test(url.hostname)) return 'v.url_https';
  return null;
}

/** An optional https callback; null (or an empty string) means none. */
const callbackUrl = z
  .string()
  .max(CALLBACK_URL_MAX)
  .meta({
    pattern: `^(?:[Hh][Tt][Tt][Pp][Ss]://[^${CONTROL}${TRIMMED}]+)?$`,
    description: 'https, well formed, without spaces or credentials; null or "" for none. That it parses as a URL with a host and no user name or password is checked but not said by the pattern.',
  })
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
    /** An approved audio file of the tenant played before sampled recordings; null clears it. */
    qualityCheckPromptAudioId: z.string().regex(AUDIO_FILE_ID, { error: 'v.audio_file_id' }).nullable().optional(),
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
  promptAudioId: string | null;
}

export type AppChanges = Partial<Pick<AppState, 'name' | 'status' | 'recording' | 'qualityCheck' | 'statusCallbackUrl' | 'cdrCallbackUrl' | 'promptAudioId'>>;

export type AppRefusalCode = 'business_type_fixed' | 'recording_irreversible' | 'recording_required' | 'opt_out_alone' | 'prompt_requires_quality_check';

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
  const prompt = input.qualityCheckPromptAudioId;
  if (prompt !== undefined && prompt !== app.promptAudioId) {
    // A prompt is played before sampled recordings: without recording and checks there are none.
    if (prompt !== null && !(recording && (changes.qualityCheck ?? app.qualityCheck))) {
      return { refusal: 'prompt_requires_quality_check', path: 'qualityCheckPromptAudioId' };
    }
    changes.promptAudioId = prompt;
  }
  const optOut = input.qualityCheck === false && app.qualityCheck;
  // An opt-out is a request that may be refused: other changes riding on it would be half-applied.
  if (optOut && Object.keys(changes).length > 0) return { refusal: 'opt_out_alone', path: 'qualityCheck' };
  return { changes, optOut };
}

/** The HTTP status of each app refusal; the wording is `apps.refusal.<code>` in i18n/messages. */
export const APP_REFUSAL_STATUS = {
  business_type_fixed: 422,
  recording_irreversible: 422,
  recording_required: 422,
  opt_out_alone: 422,
  prompt_requires_quality_check: 422,
  app_quota: 409,
  name_taken: 409,
  opt_out_pending: 409,
  audio_not_approved: 409,
} as const satisfies Record<string, 409 | 422>;
export type AppRefusal = keyof typeof APP_REFUSAL_STATUS;
