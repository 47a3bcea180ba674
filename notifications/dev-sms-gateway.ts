import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { E164, WSSE_AUTHORIZATION, signedReportHeaders, verifyWsse, wsseCreated, type DigestEncoding } from './sms.js';

/**
 * A local HTTP server imitating the cloud SMS gateway (`POST /sms/batchSendSms/v1`): it checks
 * the WSSE headers with the configured key and secret (401 with a JSON error otherwise),
 * validates the form, records one message per number, answers per-number results with
 * generated smsMsgIds and, on `deliver()` (or by itself with `autoDeliver`), posts a delivery
 * report to the request's `statusCallback`. It signs those reports with the same WSSE header,
 * the report body's Content-Digest included in the signed material (`signedReportHeaders`), so
 * the callback endpoint can refuse forged ones and captured headers put on another body.
 *
 * Error codes imitate the provider's style; they are this imitation's, not a copy of a real table:
 * E000002 Authorization header, E000003 malformed X-WSSE, E000004 unknown app key,
 * E000005 PasswordDigest mismatch, E000006 Created outside the window, E000007 replayed nonce,
 * E000503 parameter error; per number E200041 invalid number.
 */

export interface SmsGatewayMessage {
  smsMsgId: string;
  to: string;
  from: string;
  templateId: string;
  params: string[];
  statusCallback: string | null;
  /** Our request id (the `extend` field), when sent. */
  extend: string | null;
  /** "000000" when accepted, else the per-number error code. */
  status: string;
  receivedAt: Date;
  /** The request as received, to check the signature and fields independently. */
  request: { form: Record<string, string>; authorization: string; xWsse: string };
  /** The last delivery report posted for it, with the request as sent (headers and body), as a captured report. */
  delivery: {
    status: string;
    at: Date;
    callbackStatus: number | null;
    callbackError: string | null;
    request: { headers: Record<string, string>; body: string };
  } | null;
}

export interface DevSmsGateway {
  /** The batch-send endpoint: http://127.0.0.1:<port>/sms/batchSendSms/v1 */
  url: string;
  port: number;
  messages(): SmsGatewayMessage[];
  clear(): void;
  /**
   * Posts a delivery report for `smsMsgId` (status DELIVRD by default, or a failure such as
   * UNDELIV) to its statusCallback, signed with X-WSSE; resolves to the callback's HTTP answer.
   */
  deliver(smsMsgId: string, status?: string, options?: { orgCode?: string }): Promise<{ status: number; body: string }>;
  /** Answers the next `n` send requests with `httpStatus` and `{ code, description }`. n = 0 clears it. */
  failNext(n: number, httpStatus: number, code: string, description?: string): void;
  stop(): Promise<void>;
}

export interface DevSmsGatewayOptions {
  appKey: string;
  appSecret: string;
  port?: number;
  host?: string;
  digest?: DigestEncoding;
  /** Allowed clock difference for Created (default 5 minutes). */
  maxSkewMs?: number;
  /** Post a delivery report by itself this long after accepting a number (for `npm start`). */
  autoDeliver?: { afterMs: number; status?: string };
  /** Oldest messages are dropped past this many (default 1000). */
  maxMessages?: number;
}

export const BATCH_SEND_PATH = '/sms/batchSendSms/v1';
const MAX_BODY = 256 * 1024;

interface Failure {
  remaining: number;
  httpStatus: number;
  code: string;
  description: string;
}

class HttpFailure extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    description: string,
  ) {
    super(description);
  }
}

export async function startDevSmsGateway(options: DevSmsGatewayOptions): Promise<DevSmsGateway> {
  const host = options.host ?? '127.0.0.1';
  const maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
  const maxMessages = options.maxMessages ?? 1000;
  const stored: SmsGatewayMessage[] = [];
  const byId = new Map<string, SmsGatewayMessage>();
  // Nonces seen within the skew window (twice the window, then forgotten).
  const nonces = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let failure: Failure | null = null;

  const isReplay = (nonce: string): boolean => {
    const now = Date.now();
    for (const [n, at] of nonces) if (now - at > 2 * maxSkewMs) nonces.delete(n);
    if (nonces.has(nonce)) return true;
    nonces.set(nonce, now);
    return false;
  };

  const authenticate = (req: IncomingMessage): void => {
    const authorization = req.headers.authorization ?? '';
    if (authorization.replace(/\s+/g, '') !== WSSE_AUTHORIZATION.replace(/\s+/g, '')) {
      throw new HttpFailure(401, 'E000002', 'Authorization header must be WSSE realm="SDP",profile="UsernameToken",type="Appkey"');
    }
    const header = req.headers['x-wsse'];
    const verdict = verifyWsse(typeof header === 'string' ? header : undefined, options.appKey, options.appSecret, {
      maxSkewMs,
      digest: options.digest,
      isReplay,
    });
    if (!verdict.ok) {
      const code = { malformed: 'E000003', unknown_key: 'E000004', bad_digest: 'E000005', bad_created: 'E000006', stale: 'E000006', replayed: 'E000007' }[verdict.reason];
      throw new HttpFailure(401, code, `Authentication failed: ${verdict.message}`);
    }
  };

  const handleSend = async (req: IncomingMessage): Promise<unknown> => {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const raw = await readBody(req);
    authenticate(req);
    if (failure && failure.remaining > 0) {
      const f = failure;
      f.remaining -= 1;
      if (f.remaining === 0) failure = null;
      throw new HttpFailure(f.httpStatus, f.code, f.description);
    }
    if (contentType !== 'application/x-www-form-urlencoded') throw new HttpFailure(400, 'E000503', 'Content-Type must be application/x-www-form-urlencoded');
    const params = new URLSearchParams(raw);
    const form = Object.fromEntries(params);
    const from = params.get('from');
    const to = params.get('to');
    const templateId = params.get('templateId');
    if (!from || !to || !templateId) throw new HttpFailure(400, 'E000503', 'Parameter error: from, to and templateId are required');
    let templateParas: string[] = [];
    const rawParas = params.get('templateParas');
    if (rawParas !== null) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawParas);
      } catch {
        parsed = null;
      }
      if (!Array.isArray(parsed) || !parsed.every((p): p is string => typeof p === 'string')) {
        throw new HttpFailure(400, 'E000503', 'Parameter error: templateParas must be a JSON array of strings');
      }
      templateParas = parsed;
    }
    const numbers = to.split(',').map((n) => n.trim());
    if (numbers.length > 500) throw new HttpFailure(400, 'E000503', 'Parameter error: more than 500 numbers');
    const statusCallback = params.get('statusCallback');
    const createTime = wsseCreated();
    const request = { form, authorization: req.headers.authorization ?? '', xWsse: String(req.headers['x-wsse'] ?? '') };
    const result = numbers.map((number) => {
      const valid = E164.test(number);
      const message: SmsGatewayMessage = {
        smsMsgId: valid ? `${randomUUID()}_${Math.floor(Math.random() * 1e7)}` : '',
        to: number,
        from,
        templateId,
        params: templateParas,
        statusCallback: statusCallback || null,
        extend: params.get('extend') || null,
        status: valid ? '000000' : 'E200041',
        receivedAt: new Date(),
        request,
        delivery: null,
      };
      stored.push(message);
      if (valid) {
        byId.set(message.smsMsgId, message);
        scheduleAutoDelivery(message);
      }
      return { originTo: number, createTime, from, smsMsgId: message.smsMsgId, status: message.status };
    });
    while (stored.length > maxMessages) {
      const old = stored.shift();
      if (old) byId.delete(old.smsMsgId);
    }
    return { code: '000000', description: 'Success', result };
  };

  const deliver = async (smsMsgId: string, status = 'DELIVRD', deliverOptions: { orgCode?: string } = {}): Promise<{ status: number; body: string }> => {
    const message = byId.get(smsMsgId);
    if (!message) throw new Error(`no message with smsMsgId ${smsMsgId}`);
    if (!message.statusCallback) throw new Error(`message ${smsMsgId} has no statusCallback`);
    const report = new URLSearchParams({
      smsMsgId,
      total: '1',
      sequence: '1',
      status,
      source: '2',
      updateTime: wsseCreated(),
      orgCode: deliverOptions.orgCode ?? (status === 'DELIVRD' ? '000000' : status),
      to: message.to,
      ...(message.extend ? { extend: message.extend } : {}),
    });
    const body = report.toString();
    const headers = { ...signedReportHeaders(options.appKey, options.appSecret, body, { digest: options.digest }), 'Content-Type': 'application/x-www-form-urlencoded' };
    const delivery: NonNullable<SmsGatewayMessage['delivery']> = { status, at: new Date(), callbackStatus: null, callbackError: null, request: { headers, body } };
    message.delivery = delivery;
    try {
      const res = await fetch(message.statusCallback, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const answer = await res.text();
      delivery.callbackStatus = res.status;
      return { status: res.status, body: answer };
    } catch (err) {
      delivery.callbackError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  };

  const scheduleAutoDelivery = (message: SmsGatewayMessage): void => {
    const auto = options.autoDeliver;
    if (!auto || !message.statusCallback) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // The outcome is recorded on the message (delivery.callbackError); nobody waits for it.
      deliver(message.smsMsgId, auto.status ?? 'DELIVRD').catch(() => undefined);
    }, auto.afterMs);
    timer.unref();
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'POST' || url.pathname !== BATCH_SEND_PATH) {
      req.resume();
      sendJson(res, 404, { code: 'E000001', description: `No such API: ${req.method ?? ''} ${url.pathname}` });
      return;
    }
    handleSend(req).then(
      (answer) => sendJson(res, 200, answer),
      (err: unknown) => {
        if (err instanceof HttpFailure) sendJson(res, err.httpStatus, { code: err.code, description: err.message });
        else sendJson(res, 500, { code: 'E000000', description: `System error: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let stopped: Promise<void> | null = null;

  return {
    url: `http://${hostInUrl}:${port}${BATCH_SEND_PATH}`,
    port,
    messages: () => [...stored],
    clear: () => {
      stored.length = 0;
      byId.clear();
    },
    deliver,
    failNext(n, httpStatus, code, description) {
      failure = n > 0 ? { remaining: n, httpStatus, code, description: description ?? `Simulated failure ${code}` } : null;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}


function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpFailure(413, 'E000503', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
