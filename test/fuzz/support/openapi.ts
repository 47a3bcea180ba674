import type { Prng } from './prng.js';

/** The parts of an OpenAPI 3.1 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
  description?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** As the document writes it, e.g. `/voice-templates/{id}`. */
  path: string;
  parameters: Parameter[];
  /** Media types of the request body, with their schemas. */
  bodies: Record<string, Schema>;
  responses: string[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses?: Record<string, unknown> }>>;
  components: { schemas: Record<string, Schema> };
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        bodies: Object.fromEntries(Object.entries(op.requestBody?.content ?? {}).map(([type, c]) => [type, c.schema])),
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return ops;
}

export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const found = doc.components.schemas[name];
    if (!found) throw new Error(`unknown schema ${s.$ref}`);
    s = found;
  }
  return s;
}

/** A value the schema admits by its shape (semantic rules such as check digits aside). */
export function sampleOf(doc: OpenApiDocument, schema: Schema, rng: Prng, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return rng.pick(s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return sampleOf(doc, rng.pick(alternatives), rng, depth + 1);
  const type = Array.isArray(s.type) ? rng.pick(s.type) : s.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number':
      return rng.int(Math.max(s.minimum ?? 0, -1000), Math.min(s.maximum ?? 1000, 1000));
    case 'array':
      return Array.from({ length: Math.max(s.minItems ?? 0, rng.int(0, 2)) }, () => sampleOf(doc, s.items ?? {}, rng, depth + 1));
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {})
          .filter(([k, v]) => (s.required ?? []).includes(k) || (depth < 3 && resolve(doc, v).format !== 'binary' && rng.chance(0.5)))
          .map(([k, v]) => [k, sampleOf(doc, v, rng, depth + 1)]),
      );
    default:
      if (s.format === 'email') return `fuzz${rng.int(0, 1e6)}@example.com`;
      if (s.format === 'uri') return `https://example.com/cb/${rng.int(0, 1e6)}`;
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
  }
}

/** The file fields of a multipart schema (format binary) and the types their description names. */
export function fileFieldsOf(doc: OpenApiDocument, schema: Schema): Record<string, { types: string[]; required: boolean }> {
  const s = resolve(doc, schema);
  return Object.fromEntries(
    Object.entries(s.properties ?? {})
      .filter(([, v]) => resolve(doc, v).format === 'binary')
      .map(([k, v]) => [k, { types: /:\s*([A-Z, ]+) by content/.exec(resolve(doc, v).description ?? '')?.[1]?.split(/,\s*/).map((t) => t.toLowerCase()) ?? [], required: (s.required ?? []).includes(k) }]),
  );
}
