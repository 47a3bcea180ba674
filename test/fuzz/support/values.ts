import type { Prng } from './prng.js';

/** Text that breaks naive code: encodings, control characters, markup, injections, numbers that are not. */
export const ODD_TEXT = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\u0001\u001b[31m\u007f',
  '\u0085\u2028\u2029',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202eevil\u202c',
  '\u200f\u200e\u061cمرحبا',
  '\u200b\u200c\u200d\ufeff',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301',
  'Z̸̧̛̖̪̬͇͎̙͓̗̦̊̈̓̋͐̾͌̄͠a̷̡̢̛̗̟̬̳̰̩̪l̵̢̛̺̫̱̔̉̓̆̂g̶̡̛̬̥̻̟̘̈́̆̀̽̔o',
  '𠀀𪚥𰻞𡃁',
  '快递通知',
  'Ａｂｃ１２３',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}#{7*7}',
  '</textarea><svg onload=alert(1)>',
  "' OR '1'='1' --",
  '"; DROP TABLE reviews; --',
  '%s%s%s%n%x',
  '${jndi:ldap://x/a}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2f',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x1F',
  '9'.repeat(40),
  'true',
  'null',
  'undefined',
  '[object Object]',
  '\\u0000',
  '\\',
  '"',
  "'",
  '\u00a0',
  'İıſK',
  'ß'.repeat(64),
];

/** A string: odd, long, or random code points of every plane. */
export function oddString(rng: Prng): string {
  return rng.weighted<() => string>([
    [6, () => rng.pick(ODD_TEXT)],
    [2, () => rng.pick(ODD_TEXT) + rng.pick(ODD_TEXT)],
    [1, () => rng.pick(['a', '快', '😀', '\u0301', ' ']).repeat(rng.pick([65, 129, 257, 1001, 5000, 70_000]))],
    [2, () => randomCodePoints(rng, rng.int(1, 40))],
  ])();
}

/** Code points from everywhere, surrogate halves and noncharacters included. */
export function randomCodePoints(rng: Prng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const cp = rng.weighted<() => number>([
      [3, () => rng.int(0x20, 0x7e)],
      [1, () => rng.int(0, 0x1f)],
      [2, () => rng.int(0x80, 0x7ff)],
      [2, () => rng.int(0x4e00, 0x9fff)],
      [1, () => rng.int(0xd800, 0xdfff)],
      [1, () => rng.pick([0xfffe, 0xffff, 0xfeff, 0x202e, 0x200b])],
      [1, () => rng.int(0x10000, 0x10ffff)],
    ])();
    out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return out;
}

/** A JSON value of any type, sometimes huge or deep. */
export function oddValue(rng: Prng, depth = 0): unknown {
  return rng.weighted<() => unknown>([
    [3, () => oddString(rng)],
    [1, () => null],
    [1, () => rng.chance(0.5)],
    [2, () => rng.pick([0, -1, 1, 1.5, -0.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324, 100_000_001])],
    [1, () => (depth > 2 ? [] : Array.from({ length: rng.int(0, 3) }, () => oddValue(rng, depth + 1)))],
    [1, () => (depth > 2 ? {} : Object.fromEntries(Array.from({ length: rng.int(0, 3) }, () => [oddKey(rng), oddValue(rng, depth + 1)])))],
    [1, () => deepNest(rng.pick([50, 1000, 20_000]), rng.chance(0.5))],
  ])();
}

export function oddKey(rng: Prng): string {
  return rng.pick(['__proto__', 'constructor', 'toString', '', ' ', 'a.b', 'a[0]', '0', '$where', 'x\u0000y', '\u202ekey', '键', '😀', 'extra', 'id', 'tenantId', 'status', 'round']);
}

/** `[[[…]]]` or `{"a":{"a":…}}` as a value, `levels` deep. */
export function deepNest(levels: number, objects: boolean): unknown {
  let v: unknown = objects ? {} : [];
  for (let i = 0; i < levels; i++) v = objects ? { a: v } : [v];
  return v;
}

/** The same as JSON text, built without recursion (JSON.stringify of 20,000 levels may overflow the stack). */
export function deepNestText(levels: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(levels) + '{}' + '}'.repeat(levels) : '['.repeat(levels) + ']'.repeat(levels);
}

/** JSON text of a value, deep nests written iteratively. */
export function toJsonText(value: unknown): string {
  const seen = new Map<unknown, string>();
  const depthOf = (v: unknown): { levels: number; objects: boolean } | undefined => {
    let levels = 0;
    let objects = false;
    let cur = v;
    while (true) {
      if (Array.isArray(cur) && cur.length === 1) {
        cur = cur[0];
      } else if (cur && typeof cur === 'object' && !Array.isArray(cur) && Object.keys(cur).length === 1 && 'a' in cur) {
        objects = true;
        cur = (cur as { a: unknown }).a;
      } else break;
      levels += 1;
    }
    const empty = (Array.isArray(cur) && cur.length === 0) || (cur !== null && typeof cur === 'object' && Object.keys(cur).length === 0);
    return levels > 200 && empty ? { levels, objects } : undefined;
  };
  const replace = (v: unknown): unknown => {
    const deep = depthOf(v);
    if (deep) {
      const marker = `\u0001deep${seen.size}\u0001`;
      seen.set(marker, deepNestText(deep.levels, deep.objects));
      return marker;
    }
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  let text = JSON.stringify(replace(value)) ?? 'null';
  for (const [marker, deepText] of seen) text = text.replace(JSON.stringify(marker), deepText);
  return text;
}
