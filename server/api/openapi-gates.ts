import { DECLARATION_IDS, DECLARATION_VERSION_PATTERN, type DeclarationId } from '../../domain/declarations.js';
import { ENTERPRISE_FILES, enterpriseQualificationKind } from '../../domain/kinds/enterprise-qualification.js';
import { numberUnsubscribeKind } from '../../domain/kinds/number-unsubscribe.js';
import { errorResponses } from './openapi-errors.js';
import { idParameter, subjectIdPattern } from './ids.js';

/** The declarations, the unsubscribe template and the enterprise's own files, for the OpenAPI document. */


export const declarationField = (id: DeclarationId) => ({
  type: 'string',
  pattern: DECLARATION_VERSION_PATTERN.source,
  description: `The version of ${id} in force (GET /declarations) that the tenant ticked: absent 422 declaration_required, older 422 declaration_outdated, unknown 422 declaration_unknown`,
});

export const gateSchemas = {
  Declaration: {
    type: 'object',
    required: ['id', 'version', 'title', 'text'],
    properties: {
      id: { enum: [...DECLARATION_IDS] },
      version: { type: 'string', pattern: DECLARATION_VERSION_PATTERN.source },
      title: { type: 'string' },
      text: { type: 'string' },
    },
  },
};

const xlsx = { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } };

export const gatePaths = {
  '/declarations': {
    get: {
      summary: 'The declarations a submission must accept, in their versions in force and the Accept-Language',
      tags: ['declarations'],
      responses: {
        '200': {
          description: 'service_statement (with POST/PUT /service-activations) and enterprise_authorisation (with POST/PUT /enterprises)',
          content: { 'application/json': { schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Declaration' } } } } } },
        },
        ...errorResponses(),
      },
    },
  },
  '/number-unsubscriptions/template': {
    get: {
      summary: 'The sheet to fill in: a header over the first column in the Accept-Language',
      tags: [numberUnsubscribeKind.kind],
      responses: { '200': { description: 'An .xlsx', content: xlsx }, ...errorResponses() },
    },
  },
  '/enterprises/{id}/files/{field}': {
    get: {
      summary: 'Download a file you submitted for the enterprise (the one in force of that field)',
      tags: [enterpriseQualificationKind.kind],
      parameters: [
        idParameter(subjectIdPattern(enterpriseQualificationKind.subjectPrefix)),
        { name: 'field', in: 'path', required: true, schema: { enum: Object.keys(ENTERPRISE_FILES) } },
      ],
      responses: {
        '200': {
          description: 'The file',
          content: Object.fromEntries(['image/jpeg', 'image/png', 'application/zip', 'application/vnd.rar'].map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
        },
        ...errorResponses(404),
      },
    },
  },
};
