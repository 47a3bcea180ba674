import { z } from 'zod';
import { REVIEW_KINDS, REVIEW_STATUSES } from '../../domain/review.js';
import { KINDS, type AnyKindDefinition } from '../../domain/kinds/index.js';
import { NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import { BUSINESS_TYPES, SERVICE_STATES } from '../../domain/business-types.js';
import { appPaths, appSchemas } from './openapi-apps.js';
import { numbersPaths } from './numbers-openapi.js';
import { declarationField, gatePaths, gateSchemas } from './openapi-gates.js';
import { DECLARATION_FIELD } from '../../domain/declarations.js';

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

const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });

const schemaName = (def: AnyKindDefinition, suffix = 'Input') => def.kind.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') + suffix;

/** A definition's input schema as JSON Schema (what a caller sends, before transforms). */
function inputSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

/** A kind whose submissions accept a declaration names its version in force in the field `declaration`. */
function withDeclaration<T extends { properties?: Record<string, unknown>; required?: string[] }>(def: AnyKindDefinition, schema: T): T {
  if (!def.declaration) return schema;
  return {
    ...schema,
    properties: { [DECLARATION_FIELD]: declarationField(def.declaration), ...schema.properties },
    required: [DECLARATION_FIELD, ...(schema.required ?? [])],
  };
}

/** Each kind's submission body: JSON, or a multipart form with its text fields and files. */
function kindSchemas(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const def of Object.values(KINDS)) {
    if (!def.api) continue;
    const fields = withDeclaration(def, inputSchema(def.input) as { properties?: Record<string, unknown>; required?: string[] });
    if (def.intake.type === 'multipart') {
      const files = def.intake.files;
      schemas[schemaName(def)] = {
        type: 'object',
        properties: {
          ...fields.properties,
          ...Object.fromEntries(
            Object.entries(files).map(([name, rule]) => [name, { type: 'string', format: 'binary', description: `${rule.label.en}: ${rule.types.join(', ').toUpperCase()} by content, at most ${rule.maxBytes} bytes${typeof rule.required === 'function' ? ' (required when the fields say so)' : ''}` }]),
          ),
        },
        required: [...(fields.required ?? []), ...Object.entries(files).filter(([, rule]) => rule.required === true).map(([name]) => name)],
      };
    } else {
      schemas[schemaName(def)] = fields;
    }
    if (def.editInput) schemas[schemaName(def, 'Edit')] = withDeclaration(def, inputSchema(def.editInput));
    if (def.jsonInput) schemas[schemaName(def, 'JsonInput')] = inputSchema(def.jsonInput);
  }
  return schemas;
}

/** The routes every kind with tenant routes has: submit, read, edit and delete as its definition allows. */
function kindPaths(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const def of Object.values(KINDS)) {
    if (!def.api) continue;
    const ref = { $ref: `#/components/schemas/${schemaName(def)}` };
    const body: Record<string, unknown> = def.intake.type === 'multipart' ? { 'multipart/form-data': { schema: ref } } : { 'application/json': { schema: ref } };
    const submitBody = def.jsonInput ? { ...body, 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(def, 'JsonInput')}` } } } : body;
    const editBody = def.editInput ? { ...body, 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(def, 'Edit')}` } } } : body;
    const fileErrors = def.intake.type === 'multipart' ? [413, 415, 507] : [413, 415];
    paths[`/${def.api.path}`] = {
      post: {
        summary: `Submit ${def.api.summary} for review`,
        tags: [def.kind],
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } }],
        requestBody: { required: true, content: submitBody },
        responses: { ...reviewResponse('201', 'Submitted: durable and readable'), ...errors(400, 401, 409, 422, ...fileErrors) },
      },
    };
    const item: Record<string, unknown> = {
      get: { summary: `One ${def.api.summary}`, tags: [def.kind], parameters: [idParam('id')], responses: { ...reviewResponse('200', 'The submission and its review'), ...errors(401, 404) } },
    };
    if (def.api.resubmit) {
      item.put = {
        summary: 'Edit and submit again: a new review round',
        tags: [def.kind],
        parameters: [idParam('id')],
        requestBody: { required: true, content: editBody },
        responses: { ...reviewResponse('200', 'Resubmitted'), ...errors(400, 401, 404, 409, 422, ...fileErrors) },
      };
    }
    if (def.api.withdraw) {
      item.delete = { summary: 'Delete; a pending review is withdrawn', tags: [def.kind], parameters: [idParam('id')], responses: { ...reviewResponse('200', 'Deleted'), ...errors(401, 404) } };
    }
    paths[`/${def.api.path}/{id}`] = item;
  }
  return paths;
}

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
      ...kindSchemas(),
      ...appSchemas,
      ...gateSchemas,
    },
  },
  paths: {
    ...kindPaths(),
    ...appPaths,
    ...numbersPaths,
    ...gatePaths,
    '/reviews/{id}/reminders': {
      post: {
        summary: 'Remind (催审) a pending review',
        parameters: [idParam('id'), { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 128 } }],
        responses: { ...reviewResponse('202', 'Reminder accepted'), ...errors(401, 404, 409, 429) },
      },
    },
    '/services': {
      get: {
        summary: 'Each business type and your standing in it',
        responses: {
          '200': {
            description: 'One entry per business type',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    items: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          businessType: { enum: [...BUSINESS_TYPES] },
                          state: { enum: [...SERVICE_STATES] },
                          applicationId: { type: ['string', 'null'] },
                          reviewId: { type: ['string', 'null'] },
                          reason: { type: ['string', 'null'] },
                          updatedAt: { type: ['string', 'null'], format: 'date-time' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          ...errors(401),
        },
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
};
