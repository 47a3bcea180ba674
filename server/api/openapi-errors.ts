/** The error answers and shared parameters of the OpenAPI document (server/api/openapi.ts). */

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: 'What went wrong, for programs: stable, never translated' },
        message: {
          type: 'string',
          description: 'What went wrong and what to do, for people, in the Accept-Language of the request: zh-CN or en; zh-CN when the header is absent or `*`, en when it names only other languages',
        },
        details: {
          type: 'array',
          description: 'One entry per problem: where (a field such as `contacts.0.name`, a header, `query.<name>`, `(path)` or `(body)`) and what is wrong there, in the language of `message`',
          items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

/** What every operation may answer: a control character in the path or query (400), no or an unknown key (401), too many unknown keys from the caller's address (429), the database away (503). */
const ANY_OPERATION = [400, 401, 429, 503];
/** And every operation with a body: sent too slowly (408), too large (413), of another media type (415), invalid (422). */
const WITH_BODY = [408, 413, 415, 422];

const ERROR_MEANINGS: Record<number, string> = {
  400: 'Malformed: a control character in the path or query, malformed JSON or multipart, a bad cursor or Idempotency-Key',
  401: 'No API key, or an unknown or revoked one',
  404: 'No such object of yours',
  408: 'The body arrived too slowly and was cut off',
  409: 'A state conflict',
  413: 'Too large',
  415: 'Not the media type this operation takes, or a file not of its type by content',
  416: 'A range outside the file',
  422: 'Invalid input, each problem named in details',
  429: 'Too many unknown API keys from your address, or a reminder too soon; see Retry-After',
  503: 'The database or the review service is unavailable; retry (with the same Idempotency-Key)',
  507: 'No space to store the upload; nothing was kept',
};

export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(
    [...new Set([...ANY_OPERATION, ...codes])].sort().map((c) => [String(c), { description: ERROR_MEANINGS[c] ?? String(c), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
  );
export const bodyErrorResponses = (...codes: number[]) => errorResponses(...WITH_BODY, ...codes);

/** Idempotency-Key: 1-128 visible ASCII characters (server/use-cases/idempotency.ts). */
export const idempotencyKeyParameter = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[\\u0021-\\u007e]{1,128}$' } };


/** An operation's id, from its method and path: `getVoiceTemplatesById`, `postReviewsByIdReminders`. */
export const operationId = (method: string, path: string) =>
  method.toLowerCase() +
  path
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith('{') ? `By${seg[1]!.toUpperCase()}${seg.slice(2, -1)}` : seg.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')))
    .join('');

type Operation = { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }>; links?: Record<string, unknown> }> };

/**
 * Gives every operation its id, and every creation its links (OpenAPI links, which clients and
 * stateful fuzzers follow): a 201 opens each operation under its path's `/{id}`, by the new
 * object's id, which for a submission (a Review answer) is its subjectId; a Review answer also
 * opens its review and the review's reminders by the review's own id.
 */
export function withLinks<T extends Record<string, Record<string, unknown>>>(paths: T): T {
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) (op as Operation).operationId ??= operationId(method, path);
  }
  for (const [path, item] of Object.entries(paths)) {
    const created = (item.post as Operation | undefined)?.responses?.['201'];
    if (!created) continue;
    const isReview = created.content?.['application/json']?.schema?.$ref === '#/components/schemas/Review';
    const links: Record<string, unknown> = {};
    const link = (target: string, id: string) => {
      for (const method of Object.keys(paths[target] ?? {})) {
        const op = operationId(method, target);
        links[op[0]!.toUpperCase() + op.slice(1)] = { operationId: op, parameters: { id: `$response.body#/${id}` } };
      }
    };
    for (const target of Object.keys(paths)) if (target.startsWith(`${path}/{id}`)) link(target, isReview ? 'subjectId' : 'id');
    if (isReview) for (const target of ['/reviews/{id}', '/reviews/{id}/reminders']) link(target, 'id');
    created.links = links;
  }
  return paths;
}
