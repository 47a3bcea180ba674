import { AUDIO_FILE_ID, changeAppInput, createAppInput, SHOWN_APP_STATUSES } from '../../domain/apps.js';
import { BUSINESS_TYPES } from '../../domain/business-types.js';
import { audioFileKind } from '../../domain/kinds/audio-file.js';
import { idParameter, subjectIdPattern, UUID_PATTERN } from './ids.js';
import { bodyErrorResponses, errorResponses, idempotencyKeyParameter } from './openapi-errors.js';
import { inputSchema } from './openapi-schema.js';

/** The apps routes and the audio file download in the OpenAPI document (apps are not a review kind). */

const json = (ref: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });

const appProperties = {
  id: { type: 'string', format: 'uuid' },
  name: { type: 'string' },
  businessType: { enum: [...BUSINESS_TYPES] },
  status: { enum: [...SHOWN_APP_STATUSES], description: 'frozen while the business type is frozen; resuming the type restores the app’s own status' },
  recording: { type: 'boolean' },
  qualityCheck: { type: 'boolean', description: 'Stays true while a request to turn it off is reviewed' },
  qualityCheckPromptAudioId: { type: ['string', 'null'], pattern: AUDIO_FILE_ID.source, description: 'An approved audio file played before sampled recordings' },
  qualityCheckReview: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Review' }], description: 'The latest quality-check opt-out review of this app' },
  statusCallbackUrl: { type: ['string', 'null'], description: 'The https URL as it was sent' },
  cdrCallbackUrl: { type: ['string', 'null'], description: 'The https URL as it was sent' },
  appKey: { type: 'string' },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
};

export const appSchemas = {
  AppInput: inputSchema(createAppInput),
  AppChange: inputSchema(changeAppInput),
  App: { type: 'object', properties: appProperties },
  AppWithSecret: {
    type: 'object',
    properties: { ...appProperties, appSecret: { type: 'string', description: 'Shown in this answer only; kept by us as a hash' } },
  },
};

const idParam = idParameter(UUID_PATTERN);

export const appPaths = {
  '/apps': {
    get: {
      summary: 'Your apps',
      tags: ['apps'],
      responses: {
        '200': { description: 'Every app, oldest first', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/App' } } } } } } },
        ...errorResponses(),
      },
    },
    post: {
      summary: 'Create an app for an active business type, within your quota',
      description: 'Name: letters, digits, underscore and Chinese characters, no spaces, at most 64, unique ignoring case. Callback URLs: https, without spaces or credentials. 422 recording_required; 409 app_quota, name_taken, and when the type is not active service_not_applied, service_pending (with until when), service_rejected (with why), service_cancelled or service_frozen.',
      tags: ['apps'],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/AppInput' } } } },
      responses: { '201': json('AppWithSecret', 'Created; the secret is shown once'), ...bodyErrorResponses(409) },
    },
  },
  '/apps/{id}': {
    get: { summary: 'One app', tags: ['apps'], parameters: [idParam], responses: { '200': json('App', 'The app'), ...errorResponses(404) } },
    patch: {
      summary: 'Change an app; turning qualityCheck off opens a review (202)',
      description:
        'Other changes apply at once (200). qualityCheck true → false answers 202 with qualityCheck still true and qualityCheckReview set; send it without other changes. qualityCheckPromptAudioId: an approved audio file of yours, or null to clear. 422 recording_irreversible, business_type_fixed, recording_required, opt_out_alone, prompt_requires_quality_check; 409 opt_out_pending, name_taken, audio_not_approved, service_frozen (the app’s business type is frozen: nothing changes).',
      tags: ['apps'],
      parameters: [idParam, idempotencyKeyParameter],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/AppChange' } } } },
      responses: { '200': json('App', 'Changed'), '202': json('App', 'Quality-check opt-out under review'), ...bodyErrorResponses(404, 409) },
    },
  },
  '/apps/{id}/secret': {
    post: { summary: 'Rotate the app secret; the new one is shown once', tags: ['apps'], parameters: [idParam], responses: { '200': json('AppWithSecret', 'Rotated'), ...errorResponses(404) } },
  },
  '/audio-files/{id}/file': {
    get: {
      summary: 'Download your audio file (range requests supported)',
      tags: [audioFileKind.kind],
      parameters: [idParameter(subjectIdPattern(audioFileKind.subjectPrefix)), { name: 'Range', in: 'header', required: false, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The WAV file', content: { 'audio/wav': { schema: { type: 'string', format: 'binary' } } } },
        '206': { description: 'Part of the file, with Content-Range', content: { 'audio/wav': { schema: { type: 'string', format: 'binary' } } } },
        ...errorResponses(404, 416),
      },
    },
  },
};
