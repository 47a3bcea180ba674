import { z } from 'zod';

/**
 * Text fields as the tenant API takes them, one rule in one place for the check and for the
 * document that describes it: a text is trimmed (or not), its length is counted in characters
 * (code points, as PostgreSQL counts them, so an emoji or a rare CJK character counts once), and
 * control characters other than tab, line feed and carriage return are refused (at the edge,
 * server/input-guard.ts). Each schema carries, as its metadata, the JSON Schema pattern that says
 * exactly the same, so the OpenAPI document is exact without being written by hand.
 *
 * Patterns are written in the common part of ECMAScript, Python and Rust regular expressions:
 * character classes with \uXXXX escapes, no \d, \s or \w (which mean more outside JavaScript), no
 * lookaround.
 */

/** Code points the edge refuses in any text (NUL and the C0 controls but tab, LF and CR). */
export const CONTROL = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f';
/** What String#trim removes, less the controls refused anyway (VT, FF). */
export const TRIMMED = '\\t\\n\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** Any character a text may hold. */
export const ANY = `[^${CONTROL}]`;
const SPACE = `[${TRIMMED}]`;
const SOLID = `[^${CONTROL}${TRIMMED}]`;

export interface TextRule {
  max: number;
  min?: number;
  /** Leading and trailing white space is dropped before the length is counted. */
  trim?: boolean;
  /** Upper-cased after trimming (the length is counted after). */
  upper?: boolean;
  /** Every character (after trimming) from this class: the source of a character class, e.g. `A-Za-z0-9_`. */
  chars?: string;
  /** The message key when a character is outside `chars`. */
  charsMessage?: string;
  /** The message key when the text is shorter than `min` (else zod's too_small). */
  minMessage?: string;
  /** Untrimmed only: the pattern every value matches (instead of any text of min..max characters), its length still min..max. */
  pattern?: string;
}

/** The JSON Schema pattern of a text rule: exactly the strings the rule accepts (controls refused). */
export function textPattern(rule: TextRule): string {
  const min = rule.min ?? 0;
  const { max } = rule;
  if (rule.chars) {
    const c = `[${rule.chars}]{${min},${max}}`;
    return rule.trim ? `^${SPACE}*${c}${SPACE}*$` : `^${c}$`;
  }
  if (!rule.trim) return rule.pattern ?? `^${ANY}{${min},${max}}$`;
  // Trimmed: what lies from the first to the last non-space character is what is counted.
  if (max === 0) return `^${SPACE}*$`;
  const upTo = max === 1 ? SOLID : `${SOLID}(?:${ANY}{0,${max - 2}}${SOLID})?`;
  const core = min <= 1 ? upTo : `${SOLID}${ANY}{${min - 2},${max - 2}}${SOLID}`;
  return min === 0 ? `^${SPACE}*(?:${core})?${SPACE}*$` : `^${SPACE}*${core}${SPACE}*$`;
}

/** Characters as PostgreSQL and a reader count them. */
export const characters = (value: string) => [...value].length;

/**
 * A text field: trimmed and upper-cased if asked, `min`..`max` characters, every one from `chars`
 * if given. Refusals are zod's own too_small / too_big issues (worded by domain/validation-messages.ts).
 */
export function text(rule: TextRule) {
  const min = rule.min ?? 0;
  const chars = rule.chars ? new RegExp(`^[${rule.chars}]*$`, 'u') : undefined;
  let base = rule.trim ? z.string().trim() : z.string();
  if (rule.upper) base = base.toUpperCase();
  return base
    .superRefine((value, ctx) => {
      const n = characters(value);
      if (n < min) ctx.addIssue(rule.minMessage ? { code: 'custom', message: rule.minMessage, input: value } : { code: 'too_small', minimum: min, origin: 'string', inclusive: true, input: value });
      else if (n > rule.max) ctx.addIssue({ code: 'too_big', maximum: rule.max, origin: 'string', inclusive: true, input: value });
      else if (chars && !chars.test(value)) ctx.addIssue({ code: 'custom', message: rule.charsMessage ?? 'v.invalid_format', input: value });
    })
    .meta({ pattern: textPattern(rule), ...(rule.trim ? {} : { minLength: min, maxLength: rule.max }) });
}

/** White space and dashes, which a typed phone number may hold anywhere and which are dropped before it is read. */
const GAP = `[${TRIMMED}-]*`;
const digits = (n: string) => `(?:${GAP}[0-9])${n}`;

/** A mainland mobile number as typed (spaces and dashes anywhere, +86 or not): what normalises to +861[3-9]xxxxxxxxx. */
export const CN_MOBILE_PATTERN = `^${GAP}(?:\\+${GAP}8${GAP}6${GAP})?1${GAP}[3-9]${digits('{9}')}${GAP}$`;

/** A mainland mobile as typed (spaces and dashes allowed, +86 or not), read as +861[3-9]xxxxxxxxx. */
export const cnMobile = z
  .string()
  .meta({ pattern: CN_MOBILE_PATTERN })
  .transform((m) => m.replace(/[\s-]/g, ''))
  .transform((m) => (/^1\d{10}$/.test(m) ? `+86${m}` : m))
  .refine((m) => /^\+861[3-9]\d{9}$/.test(m), { error: 'v.mobile_cn' });

/**
 * A mobile number with its country code as typed (spaces and dashes anywhere): `+` and 7-15
 * digits not starting with 0, or a bare mainland number; a +86 number is a mainland mobile.
 */
export const INTERNATIONAL_MOBILE_PATTERN = `^${GAP}(?:\\+${GAP}(?:8${GAP}6${GAP}1${GAP}[3-9]${digits('{9}')}|8${GAP}[0-57-9]${digits('{5,13}')}|[1-79]${digits('{6,14}')})|1${GAP}[3-9]${digits('{9}')})${GAP}$`;

/**
 * A whole number sent as text (a multipart field), trimmed: at most `maxDigits` digits (leading
 * zeros allowed) and at most `max`, which must be a power of ten.
 */
export function countPattern(max: number, maxDigits: number): string {
  const k = String(max).length - 1;
  if (max !== 10 ** k || k > maxDigits) throw new Error(`countPattern needs a power of ten with at most ${maxDigits} digits, not ${max}`);
  return `^${SPACE}*(?:0{0,${maxDigits - k}}[0-9]{1,${k}}|0{0,${maxDigits - k - 1}}1${'0'.repeat(k)})${SPACE}*$`;
}

/** A trimmed text of `chars` only, `min`..`max` of them: for codes whose check character no pattern can tell. */
export const trimmedCodePattern = (chars: string, min: number, max: number) => trimmedPattern(`[${chars}]{${min},${max}}`);

/** What a trimmed text matches when what remains after trimming matches `core` (which must neither begin nor end with white space). */
export const trimmedPattern = (core: string) => `^${SPACE}*${core}${SPACE}*$`;
