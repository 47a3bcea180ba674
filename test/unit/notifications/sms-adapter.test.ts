import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../notifications/errors.js';
import { createSmsGateway, parseWsse, type SmsGatewayOptions } from '../../../notifications/sms.js';

interface Captured {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

function fakeFetch(answer: () => Response | Promise<Response>, captured: Captured[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    captured.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: String(init?.body) });
    return answer();
  }) as typeof fetch;
}

const base: Omit<SmsGatewayOptions, 'fetch'> = {
  url: 'https://sms.example.com/sms/batchSendSms/v1',
  appKey: 'app-key-1',
  appSecret: 'app-secret-1',
  sender: '10690000001',
  statusCallbackUrl: 'https://desk.example.com/api/sms/status',
};
const msg = { to: ['+8613800138000', '+8613900139000'], templateId: 'tpl-decision', params: ['张三', 'VT-1'], requestId: 'outbox-17' };
const ok = (): Response =>
  Response.json({
    code: '000000',
    description: 'Success',
    result: msg.to.map((n, i) => ({ originTo: n, createTime: '2026-01-01T00:00:00Z', from: '10690000001', smsMsgId: `m-${i}`, status: '000000' })),
  });

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

describe('SMS gateway adapter', () => {
  it('when a message is sent, then it is a signed form POST with from, to, templateId, templateParas, statusCallback and extend', async () => {
    const captured: Captured[] = [];
    const gw = createSmsGateway({ ...base, fetch: fakeFetch(ok, captured) });
    const before = Date.now();
    const { results } = await gw.send(msg);
    expect(results.map((r) => [r.to, r.providerMessageId, r.ok])).toEqual([
      ['+8613800138000', 'm-0', true],
      ['+8613900139000', 'm-1', true],
    ]);
    const [req] = captured;
    expect(req).toBeDefined();
    if (!req) return;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(base.url);
    expect(req.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(req.headers.get('authorization')).toBe('WSSE realm="SDP",profile="UsernameToken",type="Appkey"');
    const form = new URLSearchParams(req.body);
    expect(Object.fromEntries(form)).toEqual({
      from: '10690000001',
      to: '+8613800138000,+8613900139000',
      templateId: 'tpl-decision',
      templateParas: '["张三","VT-1"]',
      statusCallback: 'https://desk.example.com/api/sms/status',
      extend: 'outbox-17',
    });
    const token = parseWsse(req.headers.get('x-wsse'));
    expect(token?.username).toBe('app-key-1');
    expect(token?.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(token?.created ?? '')).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const expected = createHash('sha256').update(`${token?.nonce}${token?.created}app-secret-1`).digest('base64');
    expect(token?.passwordDigest).toBe(expected);
  });

  it('when the network fails, then the send is a retryable sms_network error with the cause', async () => {
    const gw = createSmsGateway({
      ...base,
      fetch: fakeFetch(() => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
      }),
    });
    const e = await rejection(gw.send(msg));
    expect(e).toMatchObject({ code: 'sms_network', retryable: true });
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('when the gateway does not answer in time, then the send is a retryable sms_timeout error', async () => {
    const slow: typeof fetch = (async (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const gw = createSmsGateway({ ...base, fetch: slow, timeoutMs: 50 });
    expect(await rejection(gw.send(msg))).toMatchObject({ code: 'sms_timeout', retryable: true });
  });

  it('when the gateway answers 401, then the send is a permanent auth failure with the gateway reason', async () => {
    const gw = createSmsGateway({ ...base, fetch: fakeFetch(() => Response.json({ code: 'E000005', description: 'PasswordDigest mismatch' }, { status: 401 })) });
    const e = await rejection(gw.send(msg));
    expect(e).toMatchObject({ code: 'sms_E000005', retryable: false });
    expect(e.message).toContain('PasswordDigest mismatch');
  });

  it('when the request itself is wrong, then it fails permanently before anything is sent', async () => {
    const captured: Captured[] = [];
    const gw = createSmsGateway({ ...base, fetch: fakeFetch(ok, captured) });
    for (const bad of [{ ...msg, to: [] }, { ...msg, to: ['13800138000'] }, { ...msg, templateId: '' }, { ...msg, requestId: 'has space' }]) {
      expect(await rejection(gw.send(bad))).toMatchObject({ code: 'sms_invalid_request', retryable: false });
    }
    expect(captured).toHaveLength(0);
  });
});
