import { randomUUID } from 'node:crypto';
import type { Asset, Assets } from './assets.js';
import { percentEncode, type RawRequest } from './http.js';
import { formParts, multipartBody, newBoundary, type Part } from './multipart.js';
import { fileFieldsOf, resolve, sampleOf, type OpenApiDocument, type Operation, type Schema } from './openapi.js';
import type { Prng } from './prng.js';
import { deepNest, deepNestText, oddKey, oddString, oddValue, randomCodePoints, toJsonText } from './values.js';

/** The kinds of object a path id names, by the path's first segment. */
export const ID_KINDS = {
  'voice-templates': 'VT',
  'service-activations': 'SA',
  enterprises: 'EQ',
  'audio-files': 'AF',
  'number-orders': 'NO',
  'number-unsubscriptions': 'NU',
  apps: 'app',
  contacts: 'contact',
  reviews: 'review',
} as const;
export type IdKind = (typeof ID_KINDS)[keyof typeof ID_KINDS];

export interface ApiFuzzContext {
  doc: OpenApiDocument;
  /** The fuzzing tenant's key, and another tenant's. */
  key: string;
  otherKey: string;
  own: Record<IdKind, string>;
  foreign: Record<IdKind, string>;
  /** A valid JSON body per operation (`POST /voice-templates`), built fresh each time. */
  jsonExamples: Record<string, () => Record<string, unknown>>;
  /** Valid text fields of a multipart operation. */
  formExamples: Record<string, () => Record<string, string>>;
  assets: Assets;
}

export interface FuzzRequest {
  req: RawRequest;
  /** What was done, for the failure report. */
  label: string;
  /** Statuses the contract fixes for this request, when it fixes one. */
  expect?: number[];
}

/** What the app refuses in text: NUL and the other C0 controls (tab, LF and CR are text), and half a surrogate pair. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** In a URL only the controls arrive: half a surrogate pair is percent-encoded as bytes that decode to U+FFFD or not at all. */
const C0 = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'application/merge-patch+json'];
const NOT_JSON_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'text/html', 'application/octet-stream', 'image/jpeg', 'multipart/form-data; boundary=x', ''];
const NOT_MULTIPART_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/mixed; boundary=x', ''];
const HEAVY_BYTES = 1024 * 1024;

/**
 * Whether the app sees a control character in a path segment: it decodes each segment as the
 * router will, and one that does not decode (a lone surrogate's bytes) is left to the router.
 */
function decodedHasControl(segment: string): boolean {
  try {
    return C0.test(decodeURIComponent(segment));
  } catch {
    return false;
  }
}

const opKey = (op: Operation) => `${op.method} ${op.path}`;
const kindOfPath = (path: string): IdKind | undefined => ID_KINDS[path.split('/')[1] as keyof typeof ID_KINDS];

/** Builds requests for one operation of the document: each a valid one bent in one or two places. */
export function fuzzRequest(ctx: ApiFuzzContext, op: Operation, rng: Prng): FuzzRequest {
  const labels: string[] = [];
  let clean = true;
  let controlInUrl = false;
  let idNature: 'own' | 'foreign' | 'other' | 'none' = 'none';

  // Path
  let path = op.path;
  const kind = kindOfPath(op.path);
  if (path.includes('{id}')) {
    const choice = rng.weighted<string>([
      [55, 'own'],
      [10, 'foreign'],
      [5, 'wrongKind'],
      [7, 'wellFormed'],
      [9, 'odd'],
      [6, 'traversal'],
      [3, 'nul'],
      [3, 'badEscape'],
      [2, 'long'],
    ]);
    labels.push(`id:${choice}`);
    let id: string;
    switch (choice) {
      case 'own':
        id = ctx.own[kind!];
        idNature = 'own';
        break;
      case 'foreign':
        id = ctx.foreign[kind!];
        idNature = 'foreign';
        break;
      case 'wrongKind':
        id = ctx.own[rng.pick(Object.keys(ctx.own).filter((k) => k !== kind) as IdKind[])];
        idNature = 'other';
        break;
      case 'wellFormed':
        id = kind === 'app' || kind === 'contact' || kind === 'review' ? randomUUID() : `${kind}${Array.from({ length: 16 }, () => rng.pick([...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'])).join('')}`;
        idNature = 'other';
        break;
      case 'odd': {
        // Under the 16 KB Node allows for a request's head: past it Node answers 431 before any app code runs.
        const text = oddString(rng).slice(0, 600);
        id = percentEncode(text) || '%20';
        if (decodedHasControl(id)) controlInUrl = true;
        idNature = 'other';
        break;
      }
      case 'traversal':
        id = rng.pick(['..', '.', '%2e%2e', '%2E%2E%2F%2E%2E%2Fapps', '..%2F..%2Fetc%2Fpasswd', '%2F', '..%5C..%5Cwin.ini', '%252e%252e%252f', '....%2F%2F', `${ctx.own[kind!]}%2F..%2F${ctx.foreign[kind!]}`, '%C0%AE%C0%AE%C0%AF', '~root']);
        idNature = 'other';
        break;
      case 'nul':
        id = rng.pick(['%00', `${ctx.own[kind!]}%00`, `%00${ctx.own[kind!]}`, '%01', '%1B%5B31m']);
        controlInUrl = true;
        idNature = 'other';
        break;
      case 'badEscape':
        id = rng.pick(['%', '%E0%A4%A', '%ZZ', '%ED%A0%80', '%FF%FE', '%u0041']);
        idNature = 'other';
        break;
      default:
        id = rng.pick(['A', '9', '%E5%BF%AB']).repeat(rng.pick([200, 600]));
        idNature = 'other';
    }
    path = path.replace('{id}', id);
  }

  // Query (which parameters carry a control character, by position)
  const query: string[] = [];
  const queryControl = new Set<number>();
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    if (!rng.chance(0.5)) continue;
    const value = rng.chance(0.5) ? queryValue(ctx, p.name, p.schema ?? {}, rng) : oddString(rng).slice(0, 600);
    query.push(`${p.name}=${percentEncode(value)}`);
    if (C0.test(value)) queryControl.add(query.length - 1);
    if (rng.chance(0.1)) {
      query.push(`${p.name}=${percentEncode(queryValue(ctx, p.name, p.schema ?? {}, rng))}`);
      labels.push(`query:${p.name}:repeated`);
    }
  }
  if (rng.chance(0.1)) {
    const key = rng.pick(['note', 'x[a]', 'kind[]', '__proto__', 'constructor[prototype]', randomCodePoints(rng, 3)]);
    const value = oddString(rng).slice(0, 300);
    query.push(`${percentEncode(key)}=${percentEncode(value)}`);
    if (C0.test(value) || C0.test(key)) queryControl.add(query.length - 1);
    labels.push('query:extra');
  }
  if (rng.chance(0.02)) query.push(rng.pick(['&&&', '=', '==x', '%', 'a=%E0%A4%A', 'a']));

  // Headers
  const headers: Record<string, string> = {};
  const auth = rng.weighted<string>([
    [90, 'valid'],
    [2, 'none'],
    [2, 'unknown'],
    [1, 'basic'],
    [1, 'bare'],
    [1, 'trailing'],
    [1, 'huge'],
    [1, 'latin1'],
    [1, 'other'],
  ]);
  let authExpect: number[] | undefined;
  switch (auth) {
    case 'valid':
      headers.authorization = rng.chance(0.9) ? `Bearer ${ctx.key}` : `bearer   ${ctx.key}`;
      break;
    case 'none':
      authExpect = [401];
      break;
    case 'unknown':
      headers.authorization = `Bearer vrd_fuzz_${rng.int(0, 1e9)}`;
      authExpect = [401, 429];
      break;
    case 'basic':
      headers.authorization = 'Basic dXNlcjpwYXNzd29yZA==';
      authExpect = [401];
      break;
    case 'bare':
      headers.authorization = rng.pick(['Bearer', 'Bearer ', '', 'Token abc']);
      authExpect = [401];
      break;
    case 'trailing':
      headers.authorization = `Bearer ${ctx.key} extra`;
      authExpect = [401];
      break;
    case 'huge':
      headers.authorization = `Bearer ${'k'.repeat(6000)}`;
      authExpect = [401, 429];
      break;
    case 'latin1':
      headers.authorization = `Bearer ÿ\u00e9\u00a0${rng.int(0, 1e6)}`;
      authExpect = [401, 429];
      break;
    default:
      headers.authorization = `Bearer ${ctx.otherKey}`;
      clean = false;
  }
  if (auth !== 'valid') labels.push(`auth:${auth}`);
  if (rng.chance(0.3)) headers['accept-language'] = rng.pick(['zh-CN', 'en', '*', 'zh;q=0.1, en;q=0.9', 'xx-YY', ';;;,,q=', 'en-US,en;q=abc', 'é'.repeat(50)]);
  if ((op.method === 'POST' || op.method === 'PATCH') && rng.chance(0.3)) {
    const idem = rng.weighted<string>([
      [6, `fuzz-${rng.int(0, 1e9)}`],
      [1, ''],
      [1, 'k'.repeat(129)],
      [1, ' spaced key '],
      [1, 'é\u00ff'],
      [1, '\t'],
    ]);
    headers['idempotency-key'] = idem;
    if (!idem.startsWith('fuzz-')) {
      clean = false;
      labels.push('idempotency-key:odd');
    }
  }
  if (op.path === '/audio-files/{id}/file' && rng.chance(0.5)) {
    headers.range = rng.pick(['bytes=0-10', 'bytes=-5', 'bytes=5-', 'bytes=100000000-', 'bytes=5-2', 'bytes=0-1,3-4,0-1', 'bytes=abc', 'items=0-1', 'bytes=-0', `bytes=0-${'9'.repeat(30)}`]);
    labels.push(`range:${headers.range}`);
  }
  if (rng.chance(0.03)) {
    headers['x-forwarded-for'] = rng.pick(['1.2.3.4', '::1, 10.0.0.1', 'garbage', '999.999.999.999']);
  }

  // Body
  let body: Buffer | undefined;
  let bodyExpect: number[] | undefined;
  const types = Object.keys(op.bodies);
  if (types.length > 0) {
    const multipart = types.includes('multipart/form-data') && (!types.includes('application/json') || rng.chance(0.5));
    const built = multipart ? multipartRequest(ctx, op, op.bodies['multipart/form-data']!, rng) : jsonRequest(ctx, op, op.bodies['application/json']!, rng);
    body = built.body;
    if (built.contentType !== undefined) headers['content-type'] = built.contentType;
    labels.push(built.label);
    bodyExpect = built.expect;
    if (built.headers) Object.assign(headers, built.headers);
  } else if (rng.chance(0.08)) {
    body = Buffer.from(rng.pick(['{}', 'junk', '{"a":1}', '\u0000']));
    headers['content-type'] = rng.pick(['application/json', 'text/plain']);
    labels.push('body:unexpected');
  }

  // Node answers a request head over 16 KB with 431 before any app code runs: stay under it.
  const headBytes = () => Buffer.byteLength(path) + query.reduce((n, q) => n + q.length + 1, 0) + Object.entries(headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v) + 4, 0);
  while (headBytes() > 14_000 && query.length > 0) {
    query.pop();
    queryControl.delete(query.length);
  }
  if (queryControl.size > 0) controlInUrl = true;
  const target = `/api/v1${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;

  let expect: number[] | undefined;
  if (controlInUrl) expect = [400];
  else if (authExpect) expect = authExpect;
  else if (clean && idNature === 'foreign' && (op.method === 'GET' || op.method === 'DELETE' || (op.method === 'POST' && types.length === 0)) && body === undefined) expect = [404];
  else if (clean && (idNature === 'own' || idNature === 'none') && bodyExpect) expect = bodyExpect;
  return { req: { method: op.method, path: target, headers, body }, label: `${opKey(op)} ${labels.join(' ')}`.trim(), expect };
}

function queryValue(ctx: ApiFuzzContext, name: string, schema: Schema, rng: Prng): string {
  if (name === 'cursor') {
    return rng.pick([
      `${Date.UTC(2026, 0, 1)}_${randomUUID()}`,
      `${rng.pick(['99999999999999', '0', '100000000000000', '-1', '1e3'])}_${randomUUID()}`,
      Buffer.from(`2026-01-01T00:00:00.000Z|${randomUUID()}`).toString('base64url'),
      Buffer.from(`${rng.pick(['+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z', 'now', ''])}|${randomUUID()}`).toString('base64url'),
      Buffer.from(`2026-01-01T00:00:00.000Z|${rng.pick(['', '|', "'; --", '00000000-0000-0000-0000-00000000000g'])}`).toString('base64url'),
      Buffer.from(randomCodePoints(rng, 30)).toString('base64'),
      String(rng.int(0, 1e15)),
      '9'.repeat(16),
      '-1',
      '1.5',
    ]);
  }
  if (name === 'limit') return rng.pick(['1', '100', '1000', '0', '-1', '1.5', '1e3', '101', '1001', '9'.repeat(30), 'NaN', 'Infinity', '0x10', ' 5 ']);
  const v = sampleOf(ctx.doc, schema, rng);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

interface BuiltBody {
  body: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  label: string;
  expect?: number[];
}

/** A JSON body: the operation's valid example with one thing wrong, or not JSON at all. */
function jsonRequest(ctx: ApiFuzzContext, op: Operation, schema: Schema, rng: Prng): BuiltBody {
  const example = ctx.jsonExamples[opKey(op)];
  const base = (example ? example() : (sampleOf(ctx.doc, schema, rng) as Record<string, unknown>)) ?? {};
  const props = resolve(ctx.doc, schema).properties ?? {};
  const keys = [...new Set([...Object.keys(base), ...Object.keys(props)])];
  const submits = op.method === 'POST' && !op.path.includes('{');
  const mutation = rng.weighted<string>([
    [submits ? 1 : 3, 'valid'],
    [3, 'legalOddText'],
    [8, 'drop'],
    [8, 'extra'],
    [14, 'wrongType'],
    [14, 'oddString'],
    [6, 'nested'],
    [6, 'wholeBody'],
    [8, 'rawText'],
    [6, 'notJson'],
    [1, 'tooLarge'],
    [3, 'deep'],
    [2, 'encoding'],
  ]);
  const json = (value: unknown, label: string, expect?: number[]): BuiltBody => ({ body: Buffer.from(toJsonText(value)), contentType: rng.pick(JSON_TYPES), label, expect });
  const body: Record<string, unknown> = { ...base };
  const key = keys.length > 0 ? rng.pick(keys) : 'name';
  switch (mutation) {
    case 'valid':
      return json(body, 'body:valid');
    case 'legalOddText': {
      // Text a person might type: it may well be accepted.
      const textKeys = Object.keys(body).filter((k) => typeof body[k] === 'string');
      if (textKeys.length > 0) body[rng.pick(textKeys)] = rng.pick(['e\u0301', '😀 快递', '𠀀𪚥', '\u202e右到左', '<b>x</b>', '{{7*7}}', 'a\tb\nc']);
      return json(body, 'body:legal-odd-text');
    }
    case 'drop':
      delete body[key];
      return json(body, `body:drop:${key}`);
    case 'extra': {
      const extra = oddKey(rng);
      body[extra] = oddValue(rng);
      return json(body, `body:extra:${extra}`);
    }
    case 'wrongType':
      body[key] = oddValue(rng);
      return json(body, `body:wrong-type:${key}`);
    case 'oddString': {
      const value = oddString(rng);
      body[key] = value;
      return json(body, `body:odd-string:${key}`, CONTROL.test(value) ? [413, 422] : undefined);
    }
    case 'nested': {
      const nestedKeys = Object.keys(body).filter((k) => body[k] !== null && typeof body[k] === 'object');
      if (nestedKeys.length === 0) {
        body[key] = { [oddKey(rng)]: oddValue(rng) };
        return json(body, `body:nested-new:${key}`);
      }
      const nk = rng.pick(nestedKeys);
      const inner = structuredClone(body[nk]) as Record<string, unknown> | unknown[];
      if (Array.isArray(inner)) {
        if (inner.length > 0 && rng.chance(0.5)) {
          const item = inner[rng.int(0, inner.length - 1)] as Record<string, unknown>;
          if (item && typeof item === 'object') item[rng.pick([...Object.keys(item), oddKey(rng)])] = oddValue(rng);
        } else {
          const n = rng.pick([0, 33, 1000]);
          inner.length = 0;
          for (let i = 0; i < n; i++) inner.push({ city: `城市${i % 40}`, count: rng.pick([1, 0, 101, -1, 1.5]) });
        }
      } else inner[rng.pick([...Object.keys(inner), oddKey(rng)])] = oddValue(rng);
      body[nk] = inner;
      return json(body, `body:nested:${nk}`);
    }
    case 'wholeBody':
      return json(rng.pick<unknown>([[], [body], 'text', 0, null, true, [1, 2, 3], { body }, deepNest(10, false)]), 'body:whole');
    case 'rawText': {
      const raw = rng.pick<string | Buffer>([
        '{"name":"x",}',
        '{name:"x"}',
        "{'name':'x'}",
        '\ufeff{"name":"x"}',
        '{"a":1}{"b":2}',
        'NaN',
        '-',
        ' ',
        'null',
        'true',
        '"a string"',
        '1e999',
        '[1,2',
        '{"name":"\\ud800"}',
        '{"name":"\\u0000"}',
        '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}',
        JSON.stringify({ ...body, [key]: 1 }).replace(/}$/, `,${JSON.stringify(key)}:"dup"}`),
        '/* comment */{}',
        Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xe2, 0x82, 0x22, 0x7d]),
        `{"n":1${'0'.repeat(400)}}`,
        deepNestText(rng.pick([1_000, 50_000]), rng.chance(0.5)),
      ]);
      return { body: Buffer.isBuffer(raw) ? raw : Buffer.from(raw), contentType: 'application/json', label: 'body:raw-text' };
    }
    case 'notJson': {
      const type = rng.pick(NOT_JSON_TYPES.filter((t) => !Object.keys(op.bodies).some((b) => t.startsWith(b))));
      return { body: Buffer.from(rng.pick(['name=x&speed=normal', JSON.stringify(body), '<xml/>', 'plain words'])), contentType: type === '' ? undefined : type, label: `body:not-json:${type || 'none'}`, expect: [415] };
    }
    case 'tooLarge':
      return json({ ...body, [key]: 'x'.repeat(300 * 1024) }, 'body:too-large', [413]);
    case 'deep':
      body[key] = deepNest(rng.pick([100, 5_000, 60_000]), rng.chance(0.5));
      return json(body, `body:deep:${key}`);
    default: {
      const encoding = rng.pick(['gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip', 'identity']);
      return { body: Buffer.from(JSON.stringify(body)), contentType: 'application/json', headers: { 'content-encoding': encoding }, label: `body:content-encoding:${encoding}` };
    }
  }
}

/** A valid asset for a file field by the types it takes. */
function goodAsset(assets: Assets, types: string[]): Asset {
  if (types.includes('jpg')) return assets.jpg[0]!;
  if (types.includes('wav')) return assets.wav[0]!;
  return assets.xlsx[0]!;
}

function hostileAsset(assets: Assets, types: string[], rng: Prng): Asset {
  const own = types.includes('jpg') ? assets.jpg : types.includes('wav') ? assets.wav : assets.xlsx;
  // The multi-megabyte ones are sent in every run by the dedicated test; here now and then.
  const pool = [...own, ...assets.wrong].filter((a) => a.content.length < HEAVY_BYTES || rng.chance(0.05));
  return rng.pick(pool);
}

/** A multipart body: the operation's valid form with one thing wrong, or broken as multipart. */
function multipartRequest(ctx: ApiFuzzContext, op: Operation, schema: Schema, rng: Prng): BuiltBody {
  const files = fileFieldsOf(ctx.doc, schema);
  const example = ctx.formExamples[opKey(op)];
  const fields: Record<string, string> = example ? example() : {};
  const chosen: Record<string, Asset> = Object.fromEntries(Object.entries(files).filter(([, f]) => f.required).map(([name, f]) => [name, goodAsset(ctx.assets, f.types)]));
  const boundary = newBoundary(rng);
  const type = `multipart/form-data; boundary=${boundary}`;
  const fieldNames = Object.keys(fields);
  const fileNames = Object.keys(files);
  const parts = () => formParts(fields, Object.fromEntries(Object.entries(chosen).map(([k, a]) => [k, { name: a.name, content: a.content, type: a.type }])));
  const build = (ps: Part[], label: string, opts: Parameters<typeof multipartBody>[2] = {}, contentType = type): BuiltBody => ({ body: multipartBody(boundary, ps, opts), contentType, label });

  const mutation = rng.weighted<string>([
    [1, 'valid'],
    [10, 'fieldOdd'],
    [4, 'fieldDrop'],
    [4, 'fieldExtra'],
    [3, 'fieldDuplicate'],
    [2, 'fieldAsFile'],
    [2, 'fileAsField'],
    [2, 'fileDuplicate'],
    [2, 'fileUnknown'],
    [3, 'fileMissing'],
    [14, 'fileHostile'],
    [12, 'structure'],
    [3, 'notMultipart'],
  ]);
  switch (mutation) {
    case 'valid':
      return build(parts(), 'form:valid');
    case 'fieldOdd': {
      const name = fieldNames.length > 0 ? rng.pick(fieldNames) : 'name';
      fields[name] = oddString(rng);
      return build(parts(), `form:odd-field:${name}`);
    }
    case 'fieldDrop': {
      const name = fieldNames.length > 0 ? rng.pick(fieldNames) : 'name';
      delete fields[name];
      return build(parts(), `form:drop:${name}`);
    }
    case 'fieldExtra':
      fields[rng.pick(['extra', '__proto__', 'constructor', '', 'a\u0000b', '键', 'tenantId'])] = oddString(rng).slice(0, 100);
      return build(parts(), 'form:extra-field');
    case 'fieldDuplicate': {
      const name = fieldNames.length > 0 ? rng.pick(fieldNames) : 'name';
      return build([...parts(), { name, body: 'again' }], `form:duplicate:${name}`);
    }
    case 'fieldAsFile': {
      const name = fieldNames.length > 0 ? rng.pick(fieldNames) : 'name';
      const value = fields[name] ?? 'x';
      delete fields[name];
      return build([...parts(), { name, filename: 'field.txt', contentType: 'text/plain', body: value }], `form:field-as-file:${name}`);
    }
    case 'fileAsField': {
      const name = rng.pick(fileNames);
      delete chosen[name];
      return build([...parts(), { name, body: 'not a file' }], `form:file-as-field:${name}`);
    }
    case 'fileDuplicate': {
      const name = rng.pick(fileNames);
      const a = goodAsset(ctx.assets, files[name]!.types);
      return build([...parts(), { name, filename: a.name, body: a.content }], `form:duplicate-file:${name}`);
    }
    case 'fileUnknown': {
      const a = rng.pick(ctx.assets.wrong);
      return build([...parts(), { name: rng.pick(['attachment', 'file2', '../file', '']), filename: a.name, body: a.content }], 'form:unknown-file');
    }
    case 'fileMissing': {
      const name = rng.pick(fileNames);
      delete chosen[name];
      return build(parts(), `form:missing-file:${name}`);
    }
    case 'fileHostile': {
      const name = rng.pick(fileNames);
      chosen[name] = hostileAsset(ctx.assets, files[name]!.types, rng);
      return build(parts(), `form:file:${name}:${chosen[name].name}`);
    }
    case 'notMultipart': {
      const contentType = rng.pick(NOT_MULTIPART_TYPES.filter((t) => !Object.keys(op.bodies).some((b) => b !== 'multipart/form-data' && t.startsWith(b))));
      return { body: Buffer.from(JSON.stringify(fields)), contentType: contentType === '' ? undefined : contentType, label: `form:not-multipart:${contentType || 'none'}`, expect: [415] };
    }
    default:
      return brokenMultipart(parts(), boundary, rng);
  }
}

/** Multipart that is not what it says: cut short, wrong boundaries, broken part headers, too many parts. */
function brokenMultipart(parts: Part[], boundary: string, rng: Prng): BuiltBody {
  const type = `multipart/form-data; boundary=${boundary}`;
  const variant = rng.pick(['truncated', 'unterminated', 'otherBoundary', 'noBoundary', 'lf', 'preamble', 'partHeaders', 'hugeHeader', 'manyParts', 'base64', 'filenameStar', 'empty', 'longBoundary', 'quotedBoundary', 'nameless']);
  const label = `form:broken:${variant}`;
  switch (variant) {
    case 'truncated': {
      const full = multipartBody(boundary, parts);
      return { body: full.subarray(0, rng.int(0, full.length - 1)), contentType: type, label };
    }
    case 'unterminated':
      return { body: multipartBody(boundary, parts, { unterminated: true }), contentType: type, label };
    case 'otherBoundary':
      return { body: multipartBody(boundary, parts), contentType: `multipart/form-data; boundary=${boundary}X`, label };
    case 'noBoundary':
      return { body: multipartBody(boundary, parts), contentType: 'multipart/form-data', label, expect: [400] };
    case 'lf':
      return { body: multipartBody(boundary, parts, { newline: '\n' }), contentType: type, label };
    case 'preamble':
      return { body: multipartBody(boundary, parts, { preamble: `garbage --${boundary.slice(0, 5)} more garbage` }), contentType: type, label };
    case 'partHeaders': {
      const i = rng.int(0, parts.length - 1);
      const broken = [...parts];
      broken[i] = { ...broken[i]!, rawHeaders: true, headers: rng.pick([['Content-Disposition: form-data'], ['X-Nothing: here'], ['no colon at all'], [], ['Content-Disposition: attachment; name="x"'], ['Content-Disposition: form-data; name=unquoted; filename=a b.jpg']]) };
      return { body: multipartBody(boundary, broken), contentType: type, label };
    }
    case 'hugeHeader': {
      const i = rng.int(0, parts.length - 1);
      const broken = [...parts];
      broken[i] = { ...broken[i]!, filename: 'n'.repeat(rng.pick([10_000, 100_000])) };
      return { body: multipartBody(boundary, broken), contentType: type, label };
    }
    case 'manyParts':
      return { body: multipartBody(boundary, [...parts, ...Array.from({ length: rng.pick([45, 300]) }, (_, i) => ({ name: `f${i}`, body: 'x' }))]), contentType: type, label };
    case 'base64': {
      const broken = parts.map((p) => (p.filename !== undefined ? { ...p, headers: ['Content-Transfer-Encoding: base64'], body: (Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body)).toString('base64') } : p));
      return { body: multipartBody(boundary, broken), contentType: type, label };
    }
    case 'filenameStar': {
      const broken = parts.map((p) => (p.filename !== undefined ? { ...p, rawHeaders: true, headers: [`Content-Disposition: form-data; name="${p.name}"; filename*=UTF-8''%E2%80%AE%00evil%2F..%2F.jpg`, 'Content-Type: image/jpeg'] } : p));
      return { body: multipartBody(boundary, broken), contentType: type, label };
    }
    case 'empty':
      return { body: Buffer.alloc(0), contentType: type, label };
    case 'longBoundary': {
      const long = 'b'.repeat(rng.pick([71, 500]));
      return { body: multipartBody(long, parts), contentType: `multipart/form-data; boundary=${long}`, label };
    }
    case 'quotedBoundary':
      return { body: multipartBody(boundary, parts), contentType: `multipart/form-data; boundary="${boundary}"; charset=${rng.pick(['utf-8', 'bogus', 'utf-16'])}`, label };
    default: {
      const broken = parts.map((p, i) => (i === 0 ? { ...p, rawHeaders: true, headers: ['Content-Disposition: form-data; filename="x.jpg"'] } : p));
      return { body: multipartBody(boundary, broken), contentType: type, label };
    }
  }
}
