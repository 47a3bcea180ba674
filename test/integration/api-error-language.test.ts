import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { untranslated } from '../support/untranslated.js';

let app: TestApp;
let tenant: TestTenant;
let reviewId: string;

const template = { name: '快递通知', speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前到${TXT_8}领取您的快递', scenario: '快递到达通知' };
const contact = (i: number) => ({ name: `联系人${i}`, mobile: `+861380013${String(8000 + i)}`, email: `c${i}@example.com`, language: 'zh-CN', subscriptions: ['voice_template'] });

type Answer = { status: number; body: { error: { code: string; message: string; details: { path: string; message: string }[] } }; headers: Headers };

/** Sends a request as a tenant would, with the language header given (none when undefined). */
async function call(lang: string | undefined, method: string, path: string, init: { body?: string; type?: string; key?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.key === null ? {} : { authorization: `Bearer ${init.key ?? tenant.apiKey}` }), ...(init.type ? { 'content-type': init.type } : {}), ...init.headers };
  if (lang !== undefined) headers['accept-language'] = lang;
  const res = await fetch(`${app.url}/api/v1${path}`, { method, headers, body: init.body });
  return { status: res.status, body: (await res.json()) as Answer['body'], headers: res.headers };
}

/** One refusal of each status the tenant API answers with, made afresh for each language asked. */
const REFUSALS: { status: number; code: string; send: (lang: string | undefined) => Promise<Answer> }[] = [
  { status: 400, code: 'bad_cursor', send: (l) => call(l, 'GET', '/reviews?cursor=nonsense') },
  { status: 400, code: 'malformed_json', send: (l) => call(l, 'POST', '/contacts', { body: '{"name": ', type: 'application/json' }) },
  { status: 400, code: 'bad_idempotency_key', send: (l) => call(l, 'POST', '/voice-templates', { body: JSON.stringify(template), type: 'application/json', headers: { 'idempotency-key': 'with space' } }) },
  { status: 400, code: 'bad_request', send: (l) => call(l, 'GET', '/reviews?kind=%01') },
  { status: 401, code: 'unauthorized', send: (l) => call(l, 'GET', '/reviews', { key: null }) },
  { status: 404, code: 'not_found', send: (l) => call(l, 'GET', `/reviews/${randomUUID()}`) },
  { status: 404, code: 'not_found', send: (l) => call(l, 'GET', '/no-such-route') },
  { status: 405, code: 'method_not_allowed', send: (l) => call(l, 'PATCH', '/contacts') },
  { status: 409, code: 'conflict', send: (l) => call(l, 'POST', '/contacts', { body: JSON.stringify(contact(99)), type: 'application/json' }) },
  { status: 413, code: 'too_large', send: (l) => call(l, 'POST', '/contacts', { body: JSON.stringify({ name: 'x'.repeat(300_000) }), type: 'application/json' }) },
  { status: 415, code: 'unsupported_media_type', send: (l) => call(l, 'POST', '/contacts', { body: 'name=x', type: 'text/plain' }) },
  { status: 422, code: 'validation_failed', send: (l) => call(l, 'POST', '/contacts', { body: JSON.stringify({ ...contact(1), name: 5, email: undefined }), type: 'application/json' }) },
  { status: 422, code: 'idempotency_key_reused', send: (l) => call(l, 'POST', '/voice-templates', { body: JSON.stringify({ ...template, name: '另一个模板' }), type: 'application/json', headers: { 'idempotency-key': 'language-test' } }) },
  { status: 429, code: 'too_early', send: (l) => call(l, 'POST', `/reviews/${reviewId}/reminders`) },
];

/** A Chinese answer with its data taken out: field paths, header names, methods, media types and ASCII are written as HTTP spells them. */
function chineseProblems(answer: Answer): string[] {
  const paths = answer.body.error.details.map((d) => d.path);
  const clean = (text: string) =>
    [...paths, 'Idempotency-Key', 'Authorization: Bearer <key>', 'application/json', 'multipart/form-data', 'text/plain', 'ASCII', 'GET', 'POST', 'PATCH', 'HEAD', 'OPTIONS']
      .sort((a, b) => b.length - a.length)
      .reduce((t, p) => t.split(p).join(' '), text);
  return [answer.body.error.message, ...answer.body.error.details.map((d) => d.message)].flatMap((m) => untranslated(clean(m), 'zh-CN').map((p) => `${p} in "${m}"`));
}

const hasChinese = (text: string) => /\p{Script=Han}/u.test(text);

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  // Ten contacts (the most a tenant may have), so the next is a conflict.
  for (let i = 0; i < 10; i++) expect((await call('en', 'POST', '/contacts', { body: JSON.stringify(contact(i)), type: 'application/json' })).status).toBe(201);
  const submitted = await call('en', 'POST', '/voice-templates', { body: JSON.stringify(template), type: 'application/json', headers: { 'idempotency-key': 'language-test' } });
  expect(submitted.status).toBe(201);
  reviewId = (submitted.body as unknown as { id: string }).id;
});

afterAll(async () => {
  await app?.stop();
});

describe('the tenant API speaks the caller’s language in every refusal', () => {
  for (const r of REFUSALS) {
    it(`when a ${r.status} ${r.code} is asked for in Chinese, with no Accept-Language or with *, then message and details are Chinese with no English words`, async () => {
      for (const lang of ['zh-CN', 'zh', undefined, '*']) {
        const answer = await r.send(lang);
        expect(answer.status, String(lang)).toBe(r.status);
        expect(answer.body.error.code).toBe(r.code);
        expect(answer.headers.get('content-language')).toBe('zh-CN');
        expect(hasChinese(answer.body.error.message), answer.body.error.message).toBe(true);
        expect(answer.body.error.message).not.toMatch(/invalid input/i);
        for (const d of answer.body.error.details) {
          expect(d.path.length, JSON.stringify(d)).toBeGreaterThan(0);
          expect(hasChinese(d.message), JSON.stringify(d)).toBe(true);
        }
        expect(chineseProblems(answer), String(lang)).toEqual([]);
      }
    });

    it(`when a ${r.status} ${r.code} is asked for in English, then message and details are English`, async () => {
      for (const lang of ['en', 'en-GB', 'fr, en;q=0.5']) {
        const answer = await r.send(lang);
        expect(answer.status).toBe(r.status);
        expect(answer.headers.get('content-language')).toBe('en');
        expect(hasChinese(answer.body.error.message), answer.body.error.message).toBe(false);
        for (const d of answer.body.error.details) expect(hasChinese(d.message), JSON.stringify(d)).toBe(false);
      }
    });
  }

  it('when refusals name fields, then each detail says where and what is wrong, and Chinese uses full-width punctuation between them', async () => {
    const zh = await call('zh-CN', 'POST', '/contacts', { body: JSON.stringify({ name: 5, mobile: '+8613800138000', language: 'zh-CN', subscriptions: [] }), type: 'application/json' });
    expect(zh.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'name', message: '类型不正确，应为文本' },
        { path: 'email', message: '必填' },
      ]),
    );
    expect(zh.body.error.message).toMatch(/^提交的内容有误：/);
    expect(zh.body.error.message).toContain('name：类型不正确，应为文本');
    expect(zh.body.error.message).toContain('；');
    expect(zh.body.error.message).not.toMatch(/[:;]/);
    const en = await call('en', 'POST', '/contacts', { body: JSON.stringify({ name: 5, mobile: '+8613800138000', language: 'zh-CN', subscriptions: [] }), type: 'application/json' });
    expect(en.body.error.details).toEqual(expect.arrayContaining([{ path: 'name', message: 'must be text' }, { path: 'email', message: 'is required' }]));
    expect(en.body.error.message).toMatch(/^invalid input: /);
  });

  it('when a number is sent where a number is expected as text, or text where a number is expected, then the wrong type is named, not a missing field', async () => {
    const list = await call('en', 'GET', '/reviews?limit=many');
    expect(list.status).toBe(422);
    expect(list.body.error.details[0]!.path).toBe('limit');
    expect(list.body.error.details[0]!.message).not.toBe('is required');
    const zh = await call('zh-CN', 'POST', '/voice-templates', { body: JSON.stringify({ ...template, scenario: 42 }), type: 'application/json' });
    expect(zh.body.error.details).toEqual([{ path: 'scenario', message: '类型不正确，应为文本' }]);
  });
});
