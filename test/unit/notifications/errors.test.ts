import { describe, expect, it } from 'vitest';
import { DeliveryError, isDeliveryError, permanent, transient } from '../../../notifications/errors.js';
import { classifySmtpError, isValidEmailAddress, messageIdFor, parseSmtpUrl, queueIdFromReply } from '../../../notifications/email.js';
import { interpretSendResponse } from '../../../notifications/sms.js';

const smtpError = (props: Record<string, unknown>): Error => Object.assign(new Error(String(props.message ?? 'failed')), props);

function thrown(fn: () => unknown): DeliveryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

describe('DeliveryError helpers', () => {
  it('when transient() or permanent() is called, then the error carries code, message and retryability', () => {
    const t = transient('smtp_451', 'try later');
    const p = permanent('smtp_550', 'no such mailbox', new Error('cause'));
    expect(t).toBeInstanceOf(Error);
    expect(t).toMatchObject({ name: 'DeliveryError', code: 'smtp_451', message: 'try later', retryable: true });
    expect(p).toMatchObject({ code: 'smtp_550', retryable: false });
    expect((p.cause as Error).message).toBe('cause');
    expect(isDeliveryError(p)).toBe(true);
    expect(isDeliveryError(new Error('x'))).toBe(false);
  });
});

describe('SMTP error classification', () => {
  const cases: { name: string; err: Record<string, unknown>; code: string; retryable: boolean; says?: string }[] = [
    { name: '451 after RCPT', err: { code: 'EENVELOPE', responseCode: 451, response: '451 4.3.0 Try again later', command: 'RCPT TO' }, code: 'smtp_451', retryable: true, says: '451 4.3.0 Try again later' },
    { name: '421 service closing', err: { code: 'EPROTOCOL', responseCode: 421, response: '421 Too many connections' }, code: 'smtp_421', retryable: true },
    { name: '452 mailbox full', err: { code: 'EENVELOPE', responseCode: 452, response: '452 Mailbox full' }, code: 'smtp_452', retryable: true },
    { name: '503 bad sequence', err: { code: 'EPROTOCOL', responseCode: 503, response: '503 Bad sequence of commands' }, code: 'smtp_503', retryable: true },
    { name: '550 mailbox unavailable', err: { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 <x@example.com>: Recipient address rejected: User unknown', command: 'RCPT TO' }, code: 'smtp_550', retryable: false, says: 'User unknown' },
    { name: '553 bad address', err: { code: 'EENVELOPE', responseCode: 553, response: '553 5.1.3 Bad recipient address syntax' }, code: 'smtp_553', retryable: false, says: 'Bad recipient address syntax' },
    { name: '554 content refused', err: { code: 'EMESSAGE', responseCode: 554, response: '554 Message rejected as spam' }, code: 'smtp_554', retryable: false },
    { name: '535 auth failed', err: { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid', command: 'AUTH PLAIN' }, code: 'smtp_535', retryable: false, says: 'authentication refused' },
    { name: '454 temporary auth failure', err: { code: 'EAUTH', responseCode: 454, response: '454 Temporary authentication failure' }, code: 'smtp_454', retryable: true },
    { name: 'connection refused', err: { code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25' }, code: 'smtp_connection', retryable: true },
    { name: 'connection dropped', err: { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, code: 'smtp_connection', retryable: true },
    { name: 'raw socket reset', err: { code: 'ECONNRESET', message: 'read ECONNRESET' }, code: 'smtp_connection', retryable: true },
    { name: 'greeting timeout', err: { code: 'ETIMEDOUT', message: 'Greeting never received', timeoutType: 'GREETING_TIMEOUT' }, code: 'smtp_timeout', retryable: true },
    { name: 'DNS failure', err: { code: 'EDNS', originalCode: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND smtp.invalid' }, code: 'smtp_dns', retryable: true },
    { name: 'certificate refused', err: { code: 'ETLS', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, code: 'smtp_tls', retryable: false },
    { name: 'TLS handshake cut', err: { code: 'ETLS', originalCode: 'ECONNRESET', message: 'socket hang up' }, code: 'smtp_tls', retryable: true },
    { name: 'no credentials', err: { code: 'ENOAUTH', message: 'Missing credentials for "PLAIN"' }, code: 'smtp_auth', retryable: false },
    { name: 'no recipients', err: { code: 'EENVELOPE', message: 'No recipients defined' }, code: 'invalid_address', retryable: false },
    { name: 'unknown error', err: { message: 'something odd' }, code: 'smtp_error', retryable: true },
  ];
  for (const c of cases) {
    it(`when nodemailer reports ${c.name}, then it is ${c.retryable ? 'retryable' : 'permanent'} with code ${c.code}`, () => {
      const source = smtpError(c.err);
      const e = classifySmtpError(source);
      expect(e).toBeInstanceOf(DeliveryError);
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: c.code, retryable: c.retryable });
      if (c.says) expect(e.message).toContain(c.says);
      expect(e.cause).toBe(source);
    });
  }

  it('when the error is already a DeliveryError, then it is passed through unchanged', () => {
    const e = permanent('invalid_address', 'bad');
    expect(classifySmtpError(e)).toBe(e);
  });

  it('when something that is not an Error is thrown, then it still becomes a DeliveryError', () => {
    expect(classifySmtpError('boom')).toMatchObject({ code: 'smtp_error', retryable: true, message: 'boom' });
  });
});

describe('email helpers', () => {
  it('when an idempotency key is made a Message-ID, then it is <key@voice-review-desk>', () => {
    expect(messageIdFor('outbox-42')).toBe('<outbox-42@voice-review-desk>');
    expect(messageIdFor('3f1c9e1a-7b7d-4a55-9d3e-0f1e2d3c4b5a')).toBe('<3f1c9e1a-7b7d-4a55-9d3e-0f1e2d3c4b5a@voice-review-desk>');
  });

  it('when a key cannot be a Message-ID, then it is a permanent invalid_message_id error', () => {
    for (const key of ['', 'a b', 'a<b', 'a@b', 'x'.repeat(201), '.lead']) {
      expect(thrown(() => messageIdFor(key))).toMatchObject({ code: 'invalid_message_id', retryable: false });
    }
  });

  it('when addresses are checked, then plain mailboxes pass and malformed ones do not', () => {
    for (const ok of ['a@example.com', 'first.last+tag@mail.example.cn', '张三@例子.中国']) expect(isValidEmailAddress(ok), ok).toBe(true);
    for (const bad of ['', 'a', 'a@', '@example.com', 'a@example', 'a b@example.com', 'a@exa mple.com', 'A <a@example.com>', 'a@example..com', 'a,b@example.com']) {
      expect(isValidEmailAddress(bad), bad).toBe(false);
    }
  });

  it('when SMTP URLs are parsed, then smtps means implicit TLS, tls=required forces STARTTLS and credentials are decoded', () => {
    expect(parseSmtpUrl('smtp://mail.example.com')).toMatchObject({ host: 'mail.example.com', port: 587, secure: false, requireTLS: false, ignoreTLS: false, auth: undefined, maxConnections: 5 });
    expect(parseSmtpUrl('smtps://u%40x:p%3Aw@mail.example.com')).toMatchObject({ port: 465, secure: true, auth: { user: 'u@x', pass: 'p:w' } });
    expect(parseSmtpUrl('smtp://mail.example.com:2525?tls=required&pool=2')).toMatchObject({ port: 2525, requireTLS: true, maxConnections: 2 });
    expect(parseSmtpUrl('smtp://127.0.0.1:1025?tls=none')).toMatchObject({ ignoreTLS: true });
  });

  it('when an SMTP URL is wrong, then it is a configuration error at startup', () => {
    for (const bad of ['http://mail.example.com', 'not a url', 'smtp://h?tls=maybe', 'smtps://h?tls=none', 'smtp://h?pool=0']) {
      expect(() => parseSmtpUrl(bad), bad).toThrow(TypeError);
    }
  });

  it('when the final reply names a queue id, then it is read out', () => {
    expect(queueIdFromReply('250 2.0.0 Ok: queued as 4BcD3f1x')).toBe('4BcD3f1x');
    expect(queueIdFromReply('250 OK')).toBeUndefined();
  });
});

describe('SMS gateway answer classification', () => {
  const answer = (o: unknown): string => JSON.stringify(o);

  it('when the gateway accepts, then each number gets its smsMsgId and ok', () => {
    const body = answer({
      code: '000000',
      description: 'Success',
      result: [
        { originTo: '+8613800138000', createTime: '2026-01-01T00:00:00Z', from: '10690', smsMsgId: 'id-1', status: '000000' },
        { originTo: '+8613900139000', createTime: '2026-01-01T00:00:00Z', from: '10690', smsMsgId: '', status: 'E200041' },
      ],
    });
    expect(interpretSendResponse(200, body)).toEqual([
      { to: '+8613800138000', providerMessageId: 'id-1', status: '000000', ok: true },
      { to: '+8613900139000', providerMessageId: null, status: 'E200041', ok: false },
    ]);
  });

  const failures: { name: string; status: number; body: string; code: string; retryable: boolean }[] = [
    { name: 'HTTP 401 with a signature error', status: 401, body: answer({ code: 'E000005', description: 'PasswordDigest mismatch' }), code: 'sms_E000005', retryable: false },
    { name: 'HTTP 400 with a parameter error', status: 400, body: answer({ code: 'E000503', description: 'Parameter error' }), code: 'sms_E000503', retryable: false },
    { name: 'HTTP 403 without JSON', status: 403, body: 'Forbidden', code: 'sms_http_403', retryable: false },
    { name: 'HTTP 429 rate limit', status: 429, body: answer({ code: 'E000020', description: 'Too many requests' }), code: 'sms_E000020', retryable: true },
    { name: 'HTTP 500 system error', status: 500, body: answer({ code: 'E000000', description: 'System error' }), code: 'sms_E000000', retryable: true },
    { name: 'HTTP 502 from a proxy', status: 502, body: '<html>Bad Gateway</html>', code: 'sms_http_502', retryable: true },
    { name: 'HTTP 503', status: 503, body: '', code: 'sms_http_503', retryable: true },
    { name: 'HTTP 200 with an auth error code', status: 200, body: answer({ code: 'E000004', description: 'Invalid app key' }), code: 'sms_E000004', retryable: false },
    { name: 'HTTP 200 with a system error code', status: 200, body: answer({ code: 'E000000', description: 'System error' }), code: 'sms_E000000', retryable: true },
    { name: 'HTTP 200 that is not JSON', status: 200, body: '<html>maintenance</html>', code: 'sms_bad_response', retryable: true },
    { name: 'HTTP 200 success without results', status: 200, body: answer({ code: '000000', description: 'Success' }), code: 'sms_bad_response', retryable: true },
  ];
  for (const f of failures) {
    it(`when the gateway answers ${f.name}, then it is ${f.retryable ? 'retryable' : 'permanent'} (${f.code})`, () => {
      const e = thrown(() => interpretSendResponse(f.status, f.body));
      expect({ code: e.code, retryable: e.retryable }).toEqual({ code: f.code, retryable: f.retryable });
      expect(e.message).toContain(`HTTP ${f.status}`);
    });
  }

  it('when a refusal has a description, then the message carries it as the reason', () => {
    expect(thrown(() => interpretSendResponse(401, answer({ code: 'E000005', description: 'PasswordDigest mismatch' }))).message).toContain('E000005 PasswordDigest mismatch');
  });
});
