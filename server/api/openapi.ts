import { REVIEW_STATUSES } from '../../domain/review.js';
import { REVIEW_KINDS, KINDS, type AnyKindDefinition } from '../../domain/kinds/index.js';
import { contactInput, NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import { idParameter, REVIEWS_CURSOR_PATTERN, subjectIdPattern, UUID_PATTERN } from './ids.js';
import { inputSchema } from './openapi-schema.js';
import { bodyErrorResponses, errorResponses, errorSchema, idempotencyKeyParameter, withLinks } from './openapi-errors.js';
import { BUSINESS_TYPES, SERVICE_STATES } from '../../domain/business-types.js';
import { appPaths, appSchemas } from './openapi-apps.js';
import { numbersPaths } from './numbers-openapi.js';
import { declarationField, gatePaths, gateSchemas } from './openapi-gates.js';
import { DECLARATION_FIELD } from '../../domain/declarations.js';

const reviewResponse = (status: string, description: string) => ({
  [status]: { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Review' } } } },
});

const schemaName = (def: AnyKindDefinition, suffix = 'Input') => def.kind.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') + suffix;

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
    const fields = withDeclaration(def, inputSchema(def.input) as { properties?: Record<string, unknown>; required?: string[]; description?: string });
    if (def.intake.type === 'multipart') {
      const files = def.intake.files;
      schemas[schemaName(def)] = {
        type: 'object',
        description: [fields.description, 'Files are judged by their content, which no schema can say: a file of another type is refused (415) whatever its name or declared type.'].filter(Boolean).join(' '),
        properties: {
          ...fields.properties,
          ...Object.fromEntries(
            Object.entries(files).map(([name, rule]) => [name, { type: 'string', format: 'binary', description: `${rule.label.en}: ${rule.types.join(', ').toUpperCase()} by content, at most ${rule.maxBytes} bytes${typeof rule.required === 'function' ? ' (required when the fields say so)' : ''}` }]),
          ),
        },
        required: [...(fields.required ?? []), ...Object.entries(files).filter(([, rule]) => rule.required === true).map(([name]) => name)],
        additionalProperties: false,
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
    const fileErrors = def.intake.type === 'multipart' ? [507] : [];
    const idParam = idParameter(subjectIdPattern(def.subjectPrefix));
    const item = `/${def.api.path}/{id}`;
    paths[`/${def.api.path}`] = {
      post: {
        summary: `Submit ${def.api.summary} for review`,
        tags: [def.kind],
        parameters: [idempotencyKeyParameter],
        requestBody: { required: true, content: submitBody },
        responses: { ...reviewResponse('201', 'Submitted: durable and readable'), ...bodyErrorResponses(409, ...fileErrors) },
      },
    };
    const ops: Record<string, unknown> = {
      get: { summary: `One ${def.api.summary}`, tags: [def.kind], parameters: [idParam], responses: { ...reviewResponse('200', 'The submission and its review'), ...errorResponses(404) } },
    };
    if (def.api.resubmit) {
      ops.put = {
        summary: 'Edit and submit again: a new review round',
        tags: [def.kind],
        parameters: [idParam],
        requestBody: { required: true, content: editBody },
        responses: { ...reviewResponse('200', 'Resubmitted'), ...bodyErrorResponses(404, 409, ...fileErrors) },
      };
    }
    if (def.api.withdraw) {
      ops.delete = { summary: 'Delete; a pending review is withdrawn', tags: [def.kind], parameters: [idParam], responses: { ...reviewResponse('200', 'Deleted'), ...errorResponses(404, 409) } };
    }
    paths[item] = ops;
  }
  return paths;
}

const reviewId = idParameter(UUID_PATTERN);
const contactId = idParameter(UUID_PATTERN);

/** OpenAPI 3.1 description of the tenant API, served at /api/v1/openapi.json. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Voice Review Desk tenant API', version: '1.0.0' },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: errorSchema,
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
      ContactInput: inputSchema(contactInput),
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
  paths: withLinks({
    ...kindPaths(),
    ...appPaths,
    ...numbersPaths,
    ...gatePaths,
    '/reviews/{id}/reminders': {
      post: {
        summary: 'Remind (催审) a pending review',
        parameters: [reviewId, idempotencyKeyParameter],
        responses: { ...reviewResponse('202', 'Reminder accepted'), ...errorResponses(404, 409) },
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
          ...errorResponses(),
        },
      },
    },
    '/contacts': {
      get: { summary: 'Your contacts', responses: { '200': { description: 'Contacts', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Contact' } } } } } } }, ...errorResponses() } },
      post: {
        summary: 'Add a contact (at most 10)',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ContactInput' } } } },
        responses: { '201': { description: 'Added', content: { 'application/json': { schema: { $ref: '#/components/schemas/Contact' } } } }, ...bodyErrorResponses(409) },
      },
    },
    '/contacts/{id}': {
      put: {
        summary: 'Change a contact',
        parameters: [contactId],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ContactInput' } } } },
        responses: { '200': { description: 'Changed', content: { 'application/json': { schema: { $ref: '#/components/schemas/Contact' } } } }, ...bodyErrorResponses(404, 409) },
      },
      delete: { summary: 'Remove a contact', parameters: [contactId], responses: { '204': { description: 'Removed' }, ...errorResponses(404) } },
    },
    '/reviews/{id}': {
      get: { summary: 'One review', parameters: [reviewId], responses: { ...reviewResponse('200', 'The review'), ...errorResponses(404) } },
    },
    '/reviews': {
      get: {
        summary: 'Your reviews, newest first',
        parameters: [
          { name: 'kind', in: 'query', schema: { enum: [...REVIEW_KINDS] } },
          { name: 'status', in: 'query', schema: { enum: [...REVIEW_STATUSES] } },
          { name: 'cursor', in: 'query', schema: { type: 'string', pattern: REVIEWS_CURSOR_PATTERN, description: 'nextCursor of the page before' } },
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
          ...errorResponses(422),
        },
      },
    },
  }),
};
