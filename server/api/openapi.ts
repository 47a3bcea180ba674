import { REVIEW_KINDS, REVIEW_STATUSES } from '../../domain/review.js';
import { SPEAKERS, SPEEDS, TEMPLATE_CONTENT_MAX, TEMPLATE_NAME_MAX } from '../../domain/voice-template.js';
import { NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';

const error = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: String(c), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));

const reviewResponse = (status: string, description: string) => ({
  [status]: { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Review' } } } },
});

const templateBody = {
  required: true,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/VoiceTemplateInput' } } },
};
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

/** OpenAPI 3.1 description of the tenant API, served at /api/v1/openapi.json. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Voice Review Desk tenant API', version: '1.0.0' },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: error,
      Review: {
        type: 'object',
        required: ['id', 'kind', 'status', 'round', 'submittedAt', 'dueAt', 'decision', 'reminder'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          kind: { enum: [...REVIEW_KINDS] },
          subjectId: { type: 'string' },
          templateId: { type: 'string' },
          status: { enum: [...REVIEW_STATUSES] },
          round: { type: 'integer', minimum: 1 },
          submittedAt: { type: 'string', format: 'date-time' },
          dueAt: { type: 'string', format: 'date-time' },
          dueExplanation: { type: 'string' },
          decision: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                properties: {
                  outcome: { enum: ['approved', 'rejected'] },
                  reasonCode: { type: ['string', 'null'] },
                  reasonText: { type: ['string', 'null'] },
                  decidedAt: { type: 'string', format: 'date-time' },
                },
              },
            ],
          },
          reminder: {
            type: 'object',
            properties: { status: { enum: ['none', 'reminded'] }, count: { type: 'integer' }, lastAt: { type: ['string', 'null'], format: 'date-time' } },
          },
        },
      },
      ContactInput: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'mobile', 'email'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 64 },
          mobile: { type: 'string', description: '+country code and number; a bare 11-digit mainland number gets +86' },
          email: { type: 'string', format: 'email' },
          language: { enum: ['zh-CN', 'en'] },
          subscriptions: { type: 'array', items: { enum: [...NOTICE_SUBSCRIPTIONS] } },
        },
      },
      Contact: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          mobile: { type: 'string' },
          email: { type: 'string' },
          language: { enum: ['zh-CN', 'en'] },
          subscriptions: { type: 'array', items: { enum: [...NOTICE_SUBSCRIPTIONS] } },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
      VoiceTemplateInput: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'speed', 'speaker', 'content', 'scenario'],
        properties: {
          name: { type: 'string', maxLength: TEMPLATE_NAME_MAX, pattern: '^[A-Za-z0-9_\\p{Script=Han}]+$' },
          speed: { enum: [...SPEEDS] },
          speaker: { enum: [...SPEAKERS] },
          content: { type: 'string', minLength: 1, maxLength: TEMPLATE_CONTENT_MAX, description: 'Variables: ${DATE}, ${TIME}, ${TXT_n}, ${NUM_n} (1 <= n <= 32)' },
          scenario: { type: 'string', minLength: 1, maxLength: 256 },
        },
      },
    },
  },
  paths: {
    '/voice-templates': {
      post: {
        summary: 'Submit a voice template for review',
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } }],
        requestBody: templateBody,
        responses: { ...reviewResponse('201', 'Submitted: durable and readable'), ...errors(400, 401, 413, 422) },
      },
    },
    '/voice-templates/{id}': {
      put: {
        summary: 'Edit a template: starts a new review round',
        parameters: [idParam('id')],
        requestBody: templateBody,
        responses: { ...reviewResponse('200', 'Resubmitted'), ...errors(400, 401, 404, 409, 422) },
      },
      delete: {
        summary: 'Delete a template; a pending review is withdrawn',
        parameters: [idParam('id')],
        responses: { ...reviewResponse('200', 'Deleted'), ...errors(401, 404) },
      },
    },
    '/reviews/{id}/reminders': {
      post: {
        summary: 'Remind (催审) a pending review',
        parameters: [idParam('id'), { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } }],
        responses: { ...reviewResponse('202', 'Reminder accepted'), ...errors(401, 404, 409, 429) },
      },
    },
    '/contacts': {
      get: { summary: 'Your contacts', responses: { '200': { description: 'Contacts', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Contact' } } } } } } }, ...errors(401) } },
      post: {
        summary: 'Add a contact (at most 10)',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ContactInput' } } } },
        responses: { '201': { description: 'Added', content: { 'application/json': { schema: { $ref: '#/components/schemas/Contact' } } } }, ...errors(400, 401, 409, 422) },
      },
    },
    '/contacts/{id}': {
      put: {
        summary: 'Change a contact',
        parameters: [idParam('id')],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ContactInput' } } } },
        responses: { '200': { description: 'Changed', content: { 'application/json': { schema: { $ref: '#/components/schemas/Contact' } } } }, ...errors(400, 401, 404, 422) },
      },
      delete: { summary: 'Remove a contact', parameters: [idParam('id')], responses: { '204': { description: 'Removed' }, ...errors(401, 404) } },
    },
    '/reviews/{id}': {
      get: { summary: 'One review', parameters: [idParam('id')], responses: { ...reviewResponse('200', 'The review'), ...errors(401, 404) } },
    },
    '/reviews': {
      get: {
        summary: 'Your reviews, newest first',
        parameters: [
          { name: 'kind', in: 'query', schema: { enum: [...REVIEW_KINDS] } },
          { name: 'status', in: 'query', schema: { enum: [...REVIEW_STATUSES] } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        ],
        responses: {
          '200': {
            description: 'A page of reviews',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Review' } }, nextCursor: { type: ['string', 'null'] } },
                },
              },
            },
          },
          ...errors(400, 401, 422),
        },
      },
    },
  },
} as const;
