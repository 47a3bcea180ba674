import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createAppInput, changeAppInput } from '../../domain/apps.js';
import { contactInput } from '../../domain/contacts.js';
import { KINDS } from '../../domain/kinds/index.js';
import { isOrganisationCode, isUnifiedSocialCreditCode } from '../../domain/identity-codes.js';
import { openApiDocument } from '../../server/api/openapi.js';
import { controlCharacterProblems } from '../../server/input-guard.js';

/**
 * The OpenAPI document says what the server enforces: for every text field of every request
 * body, the field's pattern in the document (read as an ECMAScript `u` pattern, as the document's
 * readers do) accepts exactly the strings the server accepts (its edge refuses control characters,
 * then the field's zod schema decides). Strings are drawn from pieces that sit on the rules'
 * edges: spaces of every kind at both ends, dashes and pluses in phone numbers, `${` and known
 * and unknown variables, astral characters that count once, control characters, lengths around
 * every limit.
 */

type Schema = { properties?: Record<string, Json>; $ref?: string };
type Json = Record<string, unknown>;

const schemas = openApiDocument.components.schemas as unknown as Record<string, Schema>;

/** Fields whose rule has a part no pattern can say (a check character, a URL parse): the pattern may only be looser. */
const LOOSER = new Set(['EnterpriseQualificationInput.licenseCode', 'EnterpriseQualificationInput.handlerIdNumber', 'EnterpriseQualificationInput.legalRepresentativeIdNumber', 'EnterpriseQualificationEdit.legalRepresentativeIdNumber', 'AppInput.statusCallbackUrl', 'AppInput.cdrCallbackUrl', 'AppChange.statusCallbackUrl', 'AppChange.cdrCallbackUrl']);

const PIECES = [
  ...'abcXYZ019_-+.@\'{}$中文𠀀😀xX8613'.split(/(?:)/u),
  ' ',
  '\t',
  '\n',
  '\r',
  '\u3000',
  '\u00a0',
  '\ufeff',
  '\u2028',
  '\u0001',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u0085',
  '${DATE}',
  '${TXT_8}',
  '${NUM_32}',
  '${NUM_33}',
  '${',
  '138',
  '0013',
  '8000',
  '+86',
  '13800138000',
  'https://',
  'example.com',
  '@example.com',
  'a.b',
  '..',
  '91110108MA01ABCD1E',
  '12345678-9',
  '11010519491231002X',
];

/** Text around a limit: a long run of one piece, with a few pieces around it. */
const around = (max: number) =>
  fc.tuple(fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }), fc.constantFrom('a', '中', '😀', ' ', '1'), fc.integer({ min: Math.max(0, max - 3), max: max + 3 }), fc.array(fc.constantFrom(...PIECES), { maxLength: 4 })).map(([a, c, n, b]) => a.join('') + c.repeat(n) + b.join(''));
const mixed = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((a) => a.join(''));
/** Values some field takes, bent at their ends. */
const SEEDS = ['13800138000', '+86 138-0013-8000', '+1 415 555 2671', '+44 20 7946 0958', 'a@example.com', "a.b'c@x.io", '请于${DATE}前取件', '$${TXT_8}{', 'https://example.com/cb', '快递通知', 'app_1', '5000', '100000000', '0100000000', '1000001', 'voice_callback', 'x', '3f2c6a1e-9b1d-4c2a-8e7f-0a1b2c3d4e5f', 'AF0123456789ABCDEF'];
const seeded = fc
  .tuple(fc.constantFrom('', ' ', ' \t', '\u3000', '\u0001'), fc.constantFrom(...SEEDS), fc.constantFrom('', ' ', '-', 'x', '\u0001', '\n'))
  .map(([a, v, b]) => a + v + b);

/** The zod schema of each field of each body the document lists, by `Schema.field`. */
function fieldSchemas(): Map<string, z.ZodType> {
  const out = new Map<string, z.ZodType>();
  const add = (name: string, schema: z.ZodType) => {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? (schema as unknown as { _zod: { def: { in?: { shape?: Record<string, z.ZodType> } } } })._zod.def.in?.shape;
    for (const [field, s] of Object.entries(shape ?? {})) out.set(`${name}.${field}`, s);
  };
  for (const def of Object.values(KINDS)) {
    if (!def.api) continue;
    const base = def.kind.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
    add(`${base}Input`, def.input as z.ZodType);
    if (def.editInput) add(`${base}Edit`, def.editInput as z.ZodType);
  }
  add('ContactInput', contactInput);
  add('AppInput', createAppInput);
  add('AppChange', changeAppInput);
  return out;
}

/** The string pattern a property states (also inside anyOf / nullable). */
function patternOf(property: Json): { pattern: string; minLength?: number; maxLength?: number } | undefined {
  if (typeof property.pattern === 'string') return { pattern: property.pattern, minLength: property.minLength as number | undefined, maxLength: property.maxLength as number | undefined };
  for (const branch of (property.anyOf as Json[] | undefined) ?? []) {
    const found = patternOf(branch);
    if (found) return found;
  }
  return undefined;
}

/** Rules of a field that its object checks (the licence code's form depends on threeInOne; either form passes one of them). */
const OBJECT_RULES: Record<string, (value: string) => boolean> = {
  'EnterpriseQualificationInput.licenseCode': (v) => isUnifiedSocialCreditCode(v.trim().toUpperCase()) || isOrganisationCode(v.trim().toUpperCase()),
};

const serverAccepts = (key: string, schema: z.ZodType, value: string) =>
  controlCharacterProblems(value, 'body').length === 0 && schema.safeParse(value).success && (OBJECT_RULES[key]?.(value) ?? true);

describe('the OpenAPI document and the server agree on every text field', () => {
  const fields = fieldSchemas();

  it('when the document is read, then every string field of every request body has a pattern, and every body field is one the server knows', () => {
    let checked = 0;
    for (const [name, schema] of Object.entries(schemas)) {
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        if (!fields.has(`${name}.${field}`)) continue;
        checked += 1;
        const isString = property.type === 'string' || ((property.anyOf as Json[] | undefined) ?? []).some((b) => b.type === 'string');
        if (isString && property.enum === undefined && property.format !== 'binary') expect(patternOf(property), `${name}.${field}`).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThanOrEqual(40);
  });

  for (const [key, zodSchema] of fieldSchemas()) {
    const [name, field] = key.split('.') as [string, string];
    const property = schemas[name]?.properties?.[field];
    const stated = property ? patternOf(property) : undefined;
    if (!stated) continue;
    it(`when ${key} gets any text, then its pattern ${LOOSER.has(key) ? 'accepts all the server accepts' : 'and the server agree'}`, () => {
      const re = new RegExp(stated.pattern, 'u');
      const statedAccepts = (v: string) => re.test(v) && [...v].length >= (stated.minLength ?? 0) && [...v].length <= (stated.maxLength ?? Infinity);
      const max = stated.maxLength ?? (Number(/\{\d+,(\d+)\}/.exec(stated.pattern)?.[1] ?? 64) || 64);
      const seen = { accepted: 0, refused: 0 };
      fc.assert(
        fc.property(fc.oneof(mixed, around(max), seeded, fc.constantFrom(...SEEDS)), (value) => {
          const server = serverAccepts(key, zodSchema, value);
          seen[server ? 'accepted' : 'refused'] += 1;
          if (LOOSER.has(key)) return !server || statedAccepts(value);
          return server === statedAccepts(value);
        }),
        { numRuns: 600, seed: 4242 },
      );
      // Both sides of the rule were tried, or the agreement says nothing.
      if (!LOOSER.has(key)) expect(seen.accepted > 0 && seen.refused > 0, JSON.stringify(seen)).toBe(true);
    });
  }
});
