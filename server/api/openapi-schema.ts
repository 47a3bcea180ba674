import { z } from 'zod';
import { CONTROL } from '../../domain/text.js';

/**
 * JSON Schemas for the OpenAPI document, made from the zod schemas the API validates with, so
 * what the document says is what the server enforces, for fields added later too:
 * - the text rules' own patterns (domain/text.ts) come through as metadata;
 * - a string with no pattern gets the edge's: no control character (server/input-guard.ts);
 * - `\p{…}` property escapes, which only JavaScript reads, are spelled out as the ranges this
 *   very runtime matches, so every reader of the document agrees with the server's RegExp.
 */

type Json = Record<string, unknown>;

/** Any string the edge lets through. */
export const NO_CONTROL_PATTERN = `^[^${CONTROL}]*$`;

/** A zod schema as the JSON Schema of what a caller sends, made exact for strings. */
export function inputSchema(schema: z.ZodType): Json {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return exactStrings(json) as Json;
}

/** Walks a JSON Schema (plain data) and makes every string schema in it say what the edge enforces. */
export function exactStrings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(exactStrings);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = Object.fromEntries(Object.entries(node as Json).map(([k, v]) => [k, k === 'enum' || k === 'const' || k === 'default' || k === 'examples' ? v : exactStrings(v)]));
  const isString = out.type === 'string' || (Array.isArray(out.type) && out.type.includes('string'));
  if (isString && out.enum === undefined && out.const === undefined && out.format !== 'binary') {
    out.pattern = typeof out.pattern === 'string' ? spellProperties(out.pattern) : NO_CONTROL_PATTERN;
  }
  return out;
}

const PROPERTY = /\\([pP])\{([^}]+)\}/g;
const spelled = new Map<string, string>();

/** `\p{Script=Han}` → the ranges of code points it matches here; `\P{…}` is not used in our rules and refused. */
export function spellProperties(pattern: string): string {
  return pattern.replace(PROPERTY, (escape, p: string, name: string) => {
    if (p === 'P') throw new Error(`${escape}: a negated property cannot be spelled inside a class`);
    let ranges = spelled.get(name);
    if (ranges === undefined) {
      ranges = rangesOf(new RegExp(`^\\p{${name}}$`, 'u'));
      spelled.set(name, ranges);
    }
    return ranges;
  });
}

/** The code points a one-character RegExp matches, as character-class content. */
function rangesOf(re: RegExp): string {
  const out: string[] = [];
  let start = -1;
  const close = (end: number) => out.push(start === end ? char(start) : `${char(start)}-${char(end)}`);
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    // Surrogates are no characters; no pattern can hold one.
    const hit = (cp < 0xd800 || cp > 0xdfff) && re.test(String.fromCodePoint(cp));
    if (hit && start < 0) start = cp;
    if (!hit && start >= 0) {
      close(cp - 1);
      start = -1;
    }
  }
  if (start >= 0) close(0x10ffff);
  return out.join('');
}

/**
 * A code point inside a character class: a \uXXXX escape in the basic plane; the character
 * itself above it, since ECMAScript (\u{…}), Python (\U…) and Rust share no escape for it.
 */
const char = (cp: number) => (cp > 0xffff ? String.fromCodePoint(cp) : `\\u${cp.toString(16).padStart(4, '0')}`);
