import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevMailbox, type DevMailbox } from '../../notifications/dev-mailbox.js';
import { startDevSmsGateway, type DevSmsGateway } from '../../notifications/dev-sms-gateway.js';
import { createEmailTransport, type EmailTransport } from '../../notifications/email.js';
import { DeliveryError } from '../../notifications/errors.js';
import nodemailer from 'nodemailer';
import { contentDigest, createSmsGateway, parseStatusReport, parseWsse, signedReportHeaders, verifyWsse, wsseHeaders, type StatusReport } from '../../notifications/sms.js';

/**
 * The transports against real local servers: nodemailer over a socket to the smtp-server dev
 * mailbox, and fetch to the dev SMS gateway, which checks the WSSE signature and posts signed
 * delivery reports back to a callback server started here. No database, no Temporal.
 */

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const FROM = 'Voice Review Desk <noreply@desk.example.com>';

describe('email over SMTP to the dev mailbox', () => {
  let mailbox: DevMailbox;
  let mail: EmailTransport;
  const extra: { close(): void }[] = [];
  /** nodemailer straight to the mailbox, for messages our transport would not build (raw MIME, other encodings). */
  const rawTransport = () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false, ignoreTLS: true });
    extra.push(t);
    return t;
  };

  beforeAll(async () => {
    mailbox = await startDevMailbox();
    mail = createEmailTransport({ url: mailbox.url, from: FROM });
  });
  afterEach(() => {
    mailbox.clear();
    mailbox.failNext(0, 450, '');
    for (const t of extra.splice(0)) t.close();
  });
  afterAll(async () => {
    mail.close();
    await mailbox.stop();
  });

  it('when a notice is sent, then the mailbox receives it once with its subject, text, HTML and our Message-ID', async () => {
    const seen: string[] = [];
    const off = mailbox.onMessage((m) => seen.push(m.id));
    await mail.verify();
    const subject = '【语音服务】语音模板“欢迎语”审核通过';
    const text = '您好，您提交的语音模板“欢迎语”（编号 VT-7）已审核通过。\nHello, your voice template was approved.';
    const sent = await mail.send({ to: 'contact@tenant.example.cn', subject, text, html: '<p>审核通过 &amp; approved</p>', messageId: 'outbox-101' });
    off();

    const [got, ...more] = mailbox.messages();
    expect(more).toHaveLength(0);
    expect(got).toMatchObject({
      from: FROM,
      to: ['contact@tenant.example.cn'],
      subject,
      text,
      html: '<p>审核通过 &amp; approved</p>',
      messageId: '<outbox-101@voice-review-desk>',
    });
    expect(got?.receivedAt).toBeInstanceOf(Date);
    expect(sent).toEqual({ providerMessageId: got?.id, messageIdHeader: '<outbox-101@voice-review-desk>', response: `250 OK: queued as ${got?.id}` });
    expect(seen).toEqual([got?.id]);
  });

  it('when a Chinese subject and text are sent as base64, and text and HTML as quoted-printable alternatives, then they read back unchanged', async () => {
    const subject = '【语音服务】语音模板“欢迎语”审核未通过，原因：录音中有背景噪音，请重新录制后提交——谢谢';
    const text = '您好，您提交的语音模板“欢迎语”（编号 VT-7）审核未通过。\n原因：录音中有背景噪音。';
    await rawTransport().sendMail({ from: '语音服务 <noreply@example.com>', to: 'a@example.com', subject, text, textEncoding: 'base64' });
    const qpText = `A line with = sign and a very long tail ${'x'.repeat(120)}\n第二行`;
    await rawTransport().sendMail({ from: FROM, to: 'b@example.com', subject: 'Plain ASCII subject', text: qpText, html: '<p>您好 &amp; <b>hello</b></p>', textEncoding: 'quoted-printable' });
    const [base64, qp] = mailbox.messages();
    expect(base64).toMatchObject({ subject, text, from: '语音服务 <noreply@example.com>', html: null, attachments: [] });
    expect(qp).toMatchObject({ subject: 'Plain ASCII subject', text: qpText, html: '<p>您好 &amp; <b>hello</b></p>' });
  });

  it('when a message is in GBK with a PDF attached, then the subject and text are decoded and the attachment is listed', async () => {
    // 审核通过 in GBK, written out so the fixture does not depend on an encoder.
    const gbk = Buffer.from('c9f3bacbcda8b9fd', 'hex');
    expect(new TextDecoder('gbk').decode(gbk)).toBe('审核通过');
    const pdf = Buffer.from('%PDF-1.4\n%fake but shaped like a PDF\n');
    const raw = [
      'From: =?GBK?B?' + gbk.toString('base64') + '?= <ops@tenant.example.cn>',
      'To: desk@example.com',
      'Subject: =?GBK?B?' + gbk.toString('base64') + '?= VT-9',
      'Message-ID: <gbk-1@tenant.example.cn>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=GBK',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.concat([gbk, Buffer.from('\r\nVT-9\r\n')]).toString('base64'),
      '--b1',
      'Content-Type: application/pdf; name="licence.pdf"',
      'Content-Disposition: attachment; filename="licence.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    await rawTransport().sendMail({ envelope: { from: 'ops@tenant.example.cn', to: ['desk@example.com'] }, raw });
    const [got] = mailbox.messages();
    expect(got).toMatchObject({
      from: '审核通过 <ops@tenant.example.cn>',
      subject: '审核通过 VT-9',
      text: '审核通过\nVT-9\n',
      messageId: '<gbk-1@tenant.example.cn>',
      attachments: [{ filename: 'licence.pdf', contentType: 'application/pdf', size: pdf.length }],
    });
    expect(got?.headers['content-type']).toContain('multipart/mixed');
  });

  it('when the server refuses with 451, then the send fails retryable with the reply, and a retry delivers exactly one message', async () => {
    mailbox.failNext(1, 451, '4.3.0 Temporary local problem, try again later');
    const e = await rejection(mail.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-102' }));
    expect(e).toMatchObject({ code: 'smtp_451', retryable: true });
    expect(e.message).toContain('Temporary local problem');
    expect(mailbox.messages()).toHaveLength(0);

    await mail.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-102' });
    expect(mailbox.messages().map((m) => m.messageId)).toEqual(['<outbox-102@voice-review-desk>']);
  });

  it('when the server refuses the whole message with 451 after DATA, then it is retryable too', async () => {
    mailbox.failNext(1, 451, '4.7.1 Greylisted, come back later', 'data');
    expect(await rejection(mail.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-103' }))).toMatchObject({ code: 'smtp_451', retryable: true });
    expect(mailbox.messages()).toHaveLength(0);
  });

  it('when the server answers 550 mailbox unavailable, then the send fails permanently with the server reason', async () => {
    mailbox.failNext(1, 550, '5.1.1 <gone@tenant.example.cn>: mailbox unavailable');
    const e = await rejection(mail.send({ to: 'gone@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-104' }));
    expect(e).toMatchObject({ code: 'smtp_550', retryable: false });
    expect(e.message).toContain('mailbox unavailable');
    expect(mailbox.messages()).toHaveLength(0);
  });

  it('when the server answers 553 bad address, then the send fails permanently', async () => {
    mailbox.failNext(1, 553, '5.1.3 Bad recipient address syntax');
    expect(await rejection(mail.send({ to: 'odd@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-105' }))).toMatchObject({ code: 'smtp_553', retryable: false });
  });

  it('when the address is malformed, then the send fails permanently without reaching the server', async () => {
    const e = await rejection(mail.send({ to: 'not an address', subject: 'S', text: 'T', messageId: 'outbox-106' }));
    expect(e).toMatchObject({ code: 'invalid_address', retryable: false });
    expect(mailbox.messages()).toHaveLength(0);
  });

  it('when a new connection is greeted with 421, then the send is retryable', async () => {
    const fresh = createEmailTransport({ url: mailbox.url, from: FROM });
    extra.push(fresh);
    mailbox.failNext(1, 421, 'Too many connections, try later', 'connect');
    expect(await rejection(fresh.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-107' }))).toMatchObject({ code: 'smtp_421', retryable: true });
    await fresh.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-107' });
    expect(mailbox.messages()).toHaveLength(1);
  });

  it('when the server is down, then the send is retryable, and once it is up the same transport delivers', async () => {
    const port = await freePort();
    const down = createEmailTransport({ url: `smtp://127.0.0.1:${port}`, from: FROM });
    extra.push(down);
    const e = await rejection(down.send({ to: 'a@tenant.example.cn', subject: 'Later', text: 'T', messageId: 'outbox-108' }));
    expect(e).toMatchObject({ code: 'smtp_connection', retryable: true });
    expect(e.message).toContain('ECONNREFUSED');
    expect(await rejection(down.verify())).toMatchObject({ code: 'smtp_connection', retryable: true });

    const late = await startDevMailbox({ port });
    try {
      await down.send({ to: 'a@tenant.example.cn', subject: 'Later', text: 'T', messageId: 'outbox-108' });
      expect(late.messages().map((m) => [m.subject, m.messageId])).toEqual([['Later', '<outbox-108@voice-review-desk>']]);
    } finally {
      down.close();
      await late.stop();
    }
  });

  it('when the credentials are wrong, then verify and send fail permanently with 535', async () => {
    const guarded = await startDevMailbox({ auth: { user: 'desk', pass: 'right' } });
    const wrong = createEmailTransport({ url: guarded.url.replace(':right@', ':wrong@'), from: FROM });
    const right = createEmailTransport({ url: guarded.url, from: FROM });
    try {
      expect(await rejection(wrong.verify())).toMatchObject({ code: 'smtp_535', retryable: false });
      const e = await rejection(wrong.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-109' }));
      expect(e).toMatchObject({ code: 'smtp_535', retryable: false });
      expect(e.message).toContain('Authentication credentials invalid');
      await right.send({ to: 'a@tenant.example.cn', subject: 'S', text: 'T', messageId: 'outbox-109' });
      expect(guarded.messages()).toHaveLength(1);
    } finally {
      wrong.close();
      right.close();
      await guarded.stop();
    }
  });
});

describe('SMS through the dev gateway', () => {
  const appKey = 'desk-app-key';
  const appSecret = 'desk-app-secret-0123456789';
  let gateway: DevSmsGateway;
  let callback: Server;
  let callbackUrl: string;
  const reports: { status: number; report: StatusReport | null; refused: string | null }[] = [];
  const nonces = new Set<string>();

  beforeAll(async () => {
    gateway = await startDevSmsGateway({ appKey, appSecret });
    // A stand-in for the app's callback endpoint: verify the signature, then read the report.
    callback = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const header = req.headers['x-wsse'];
        const v = verifyWsse(typeof header === 'string' ? header : undefined, appKey, appSecret, {
          maxSkewMs: 5 * 60_000,
          contentDigest: contentDigest(body),
          isReplay: (n) => nonces.has(n) || (nonces.add(n), false),
        });
        if (!v.ok) {
          reports.push({ status: 401, report: null, refused: v.reason });
          res.writeHead(401).end(v.message);
          return;
        }
        reports.push({ status: 200, report: parseStatusReport(new URLSearchParams(body)), refused: null });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"resultCode":"0"}');
      });
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/api/sms/status`;
  });
  afterEach(() => {
    gateway.clear();
    gateway.failNext(0, 200, '');
    reports.length = 0;
  });
  afterAll(async () => {
    await gateway.stop();
    await new Promise<void>((resolve) => callback.close(() => resolve()));
  });

  const sms = (over: { appSecret?: string; url?: string } = {}) =>
    createSmsGateway({ url: over.url ?? gateway.url, appKey, appSecret: over.appSecret ?? appSecret, sender: '10690000001', statusCallbackUrl: callbackUrl });

  it('when a notice is sent to two numbers, then the gateway records each with the form fields and a valid signature', async () => {
    const { results } = await sms().send({ to: ['+8613800138000', '+8613900139000'], templateId: 'tpl-decision-zh', params: ['欢迎语', 'VT-7'], requestId: 'outbox-201' });
    expect(results).toHaveLength(2);
    expect(results.every((r) => r.ok && r.status === '000000' && typeof r.providerMessageId === 'string')).toBe(true);

    const recorded = gateway.messages();
    expect(recorded.map((m) => [m.to, m.smsMsgId])).toEqual(results.map((r) => [r.to, r.providerMessageId]));
    const [first] = recorded;
    expect(first).toMatchObject({ from: '10690000001', templateId: 'tpl-decision-zh', params: ['欢迎语', 'VT-7'], statusCallback: callbackUrl, extend: 'outbox-201' });
    expect(first?.request.form).toEqual({
      from: '10690000001',
      to: '+8613800138000,+8613900139000',
      templateId: 'tpl-decision-zh',
      templateParas: '["欢迎语","VT-7"]',
      statusCallback: callbackUrl,
      extend: 'outbox-201',
    });
    expect(first?.request.authorization).toBe('WSSE realm="SDP",profile="UsernameToken",type="Appkey"');
    // The signature, checked here independently of the gateway.
    const token = parseWsse(first?.request.xWsse);
    expect(token?.username).toBe(appKey);
    expect(token?.passwordDigest).toBe(createHash('sha256').update(`${token?.nonce}${token?.created}${appSecret}`).digest('base64'));
  });

  it('when a request names an invalid number, then the gateway answers that number with an error status and the others succeed', async () => {
    // Our adapter refuses such a number before sending (unit tests); a raw signed POST shows the gateway's side.
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { ...wsseHeaders(appKey, appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ from: '10690000001', to: '+8613800138000,+0000', templateId: 't', templateParas: '[]' }).toString(),
    });
    const json = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(json.result.map((r: any) => r.status)).toEqual(['000000', 'E200041']);
  });

  it('when the secret is wrong, then the gateway answers 401 and the send fails permanently as an auth failure', async () => {
    const e = await rejection(sms({ appSecret: 'not-the-secret' }).send({ to: ['+8613800138000'], templateId: 't', params: [], requestId: 'outbox-203' }));
    expect(e).toMatchObject({ code: 'sms_E000005', retryable: false });
    expect(e.message).toMatch(/HTTP 401.*PasswordDigest/);
    expect(gateway.messages()).toHaveLength(0);
  });

  it('when the gateway answers 503, then the send is retryable, and the next attempt goes through', async () => {
    gateway.failNext(1, 503, 'E000000', 'Service temporarily unavailable');
    const e = await rejection(sms().send({ to: ['+8613800138000'], templateId: 't', params: ['1'], requestId: 'outbox-204' }));
    expect(e).toMatchObject({ code: 'sms_E000000', retryable: true });
    expect(e.message).toContain('Service temporarily unavailable');
    expect(gateway.messages()).toHaveLength(0);
    const { results } = await sms().send({ to: ['+8613800138000'], templateId: 't', params: ['1'], requestId: 'outbox-204' });
    expect(results[0]?.ok).toBe(true);
    expect(gateway.messages()).toHaveLength(1);
  });

  it('when the gateway rate-limits with 429, then the send is retryable', async () => {
    gateway.failNext(1, 429, 'E000020', 'Too many requests');
    expect(await rejection(sms().send({ to: ['+8613800138000'], templateId: 't', params: [], requestId: 'outbox-205' }))).toMatchObject({ retryable: true });
  });

  it('when the gateway is unreachable, then the send is retryable', async () => {
    const port = await freePort();
    const e = await rejection(sms({ url: `http://127.0.0.1:${port}/sms/batchSendSms/v1` }).send({ to: ['+8613800138000'], templateId: 't', params: [], requestId: 'outbox-206' }));
    expect(e).toMatchObject({ code: 'sms_network', retryable: true });
  });

  it('when deliver() is called, then a signed report reaches the callback and parseStatusReport reads it', async () => {
    const { results } = await sms().send({ to: ['+8613800138000', '+8613900139000'], templateId: 't', params: [], requestId: 'outbox-207' });
    const [a, b] = results.map((r) => r.providerMessageId ?? '');
    expect(await gateway.deliver(a ?? '')).toMatchObject({ status: 200 });
    expect(await gateway.deliver(b ?? '', 'UNDELIV', { orgCode: 'MK:0005' })).toMatchObject({ status: 200 });

    expect(reports.map((r) => r.status)).toEqual([200, 200]);
    expect(reports[0]?.report).toMatchObject({ providerMessageId: a, delivered: true, status: 'DELIVRD', reason: null, to: '+8613800138000', requestId: 'outbox-207' });
    expect(reports[1]?.report).toMatchObject({ providerMessageId: b, delivered: false, status: 'UNDELIV', to: '+8613900139000', requestId: 'outbox-207' });
    expect(reports[1]?.report?.reason).toContain('MK:0005');
    const delivery = gateway.messages().find((m) => m.smsMsgId === a)?.delivery;
    expect(delivery).toMatchObject({ status: 'DELIVRD', callbackStatus: 200 });
    // The report as sent: its Content-Digest is the body's, and the signature covers it.
    expect(delivery?.request.headers['Content-Digest']).toBe(`sha-256=:${createHash('sha256').update(delivery?.request.body ?? '').digest('base64')}:`);
  });

  it('when a report is forged, replayed, or signed without its body, then the callback refuses it', async () => {
    const body = new URLSearchParams({ smsMsgId: 'forged', status: 'DELIVRD' }).toString();
    const post = (headers: Record<string, string>) =>
      fetch(callbackUrl, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect((await post({})).status).toBe(401);
    expect((await post(signedReportHeaders(appKey, 'guessed-secret', body))).status).toBe(401);
    expect((await post(wsseHeaders(appKey, appSecret))).status).toBe(401);
    const signed = signedReportHeaders(appKey, appSecret, body);
    expect((await post(signed)).status).toBe(200);
    expect((await post(signed)).status).toBe(401);
    expect(reports.map((r) => r.refused)).toEqual(['malformed', 'bad_digest', 'bad_digest', null, 'replayed']);
  });
});
