import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { permanent, transient, type DeliveryError } from './errors.js';

/**
 * SMS through a cloud gateway's batch-send API of the common shape (Huawei Cloud Message & SMS
 * `POST /sms/batchSendSms/v1`): a form-encoded POST of `from`, `to` (comma-separated +country
 * numbers), `templateId`, `templateParas` (a JSON array of strings), `statusCallback` and
 * `extend` (our request id, echoed in delivery reports), authenticated with a WSSE
 * UsernameToken header:
 *
 *   Authorization: WSSE realm="SDP",profile="UsernameToken",type="Appkey"
 *   X-WSSE: UsernameToken Username="<appKey>",PasswordDigest="<digest>",Nonce="<nonce>",Created="<2026-01-02T03:04:05Z>"
 *   digest = Base64(SHA256(Nonce + Created + appSecret))
 *
 * Huawei's own samples Base64-encode the *hex* form of the SHA-256; `digest: 'hex-base64'`
 * selects that variant for a real Huawei endpoint. Both sides of a pair must agree.
 *
 * The answer is `{ code: "000000", description, result: [{ originTo, createTime, from, smsMsgId, status }] }`
 * with a per-number status ("000000" accepted, else an error code). Failures of the whole
 * request are {@link DeliveryError}s: HTTP 429, 5xx, network errors and timeouts are
 * retryable; 4xx (authentication, signature, parameters) and other gateway error codes are
 * permanent. The gateway has no idempotency key: the caller must record `smsMsgId`s and not
 * resend a request whose answer it has; a timeout after the request left is retryable and
 * may, rarely, send twice.
 */

export type DigestEncoding = 'base64' | 'hex-base64';

export const WSSE_AUTHORIZATION = 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"';

/**
 * Base64(SHA256(nonce + created + secret)), or Base64 of the hex digest for `hex-base64`. With a
 * `contentDigest` (a delivery report's), it is signed too: Base64(SHA256(nonce + created + contentDigest + secret)).
 */
export function wssePasswordDigest(nonce: string, created: string, secret: string, encoding: DigestEncoding = 'base64', contentDigest = ''): string {
  const hash = createHash('sha256').update(nonce + created + contentDigest + secret, 'utf8');
  return encoding === 'base64' ? hash.digest('base64') : Buffer.from(hash.digest('hex'), 'utf8').toString('base64');
}

/** ISO 8601 UTC to the second: 2026-01-02T03:04:05Z. */
export function wsseCreated(at: Date = new Date()): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function newNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** The two request headers that authenticate a call (a fresh nonce and the current time by default). */
export function wsseHeaders(
  appKey: string,
  appSecret: string,
  options: { nonce?: string; created?: string; digest?: DigestEncoding; contentDigest?: string } = {},
): { Authorization: string; 'X-WSSE': string } {
  const nonce = options.nonce ?? newNonce();
  const created = options.created ?? wsseCreated();
  const digest = wssePasswordDigest(nonce, created, appSecret, options.digest, options.contentDigest);
  return {
    Authorization: WSSE_AUTHORIZATION,
    'X-WSSE': `UsernameToken Username="${appKey}",PasswordDigest="${digest}",Nonce="${nonce}",Created="${created}"`,
  };
}

/** RFC 9530 Content-Digest of a body: `sha-256=:<Base64 SHA-256>:`. */
export function contentDigest(body: string | Uint8Array): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/**
 * Headers of a delivery report: the WSSE pair with the body's Content-Digest inside the signed
 * material, plus the Content-Digest header itself. A report's header then cannot be lifted onto
 * another body, which a signature over nonce and time alone would allow.
 */
export function signedReportHeaders(
  appKey: string,
  appSecret: string,
  body: string,
  options: { nonce?: string; created?: string; digest?: DigestEncoding } = {},
): { Authorization: string; 'X-WSSE': string; 'Content-Digest': string } {
  const digest = contentDigest(body);
  return { ...wsseHeaders(appKey, appSecret, { ...options, contentDigest: digest }), 'Content-Digest': digest };
}

export interface WsseToken {
  username: string;
  passwordDigest: string;
  nonce: string;
  created: string;
}

/** Reads `UsernameToken Username="…",PasswordDigest="…",Nonce="…",Created="…"`; null when malformed. */
export function parseWsse(headerValue: string | null | undefined): WsseToken | null {
  if (!headerValue) return null;
  const m = /^\s*UsernameToken\s+(.*)$/i.exec(headerValue);
  if (!m?.[1]) return null;
  const fields = new Map<string, string>();
  const rest = m[1].trim();
  const pair = /\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)/y;
  while (pair.lastIndex < rest.length) {
    const match = pair.exec(rest);
    if (!match) return null;
    const key = (match[1] ?? '').toLowerCase();
    if (fields.has(key)) return null;
    fields.set(key, match[2] ?? '');
  }
  const username = fields.get('username');
  const passwordDigest = fields.get('passworddigest');
  const nonce = fields.get('nonce');
  const created = fields.get('created');
  if (!username || !passwordDigest || !nonce || !created) return null;
  return { username, passwordDigest, nonce, created };
}

export type WsseVerification =
  | { ok: true; username: string; nonce: string; created: Date }
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'bad_created' | 'stale' | 'bad_digest' | 'replayed'; message: string };

export interface VerifyWsseOptions {
  /** Largest allowed difference between Created and now, either way. */
  maxSkewMs: number;
  now?: Date | number;
  digest?: DigestEncoding;
  /** The Content-Digest computed from the body received: required in the signed material when given. */
  contentDigest?: string;
  /** Called only for a token that is otherwise valid; return true if this nonce was seen before. */
  isReplay?: (nonce: string, created: Date) => boolean;
}

const CREATED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const NONCE = /^[A-Za-z0-9]{1,128}$/;

/** Checks an X-WSSE header against our key and secret: format, key, time window, digest (constant time), replay. */
export function verifyWsse(headerValue: string | null | undefined, appKey: string, appSecret: string, options: VerifyWsseOptions): WsseVerification {
  const token = parseWsse(headerValue);
  if (!token || !NONCE.test(token.nonce)) {
    return { ok: false, reason: 'malformed', message: 'X-WSSE is missing or not a UsernameToken with Username, PasswordDigest, Nonce and Created' };
  }
  if (token.username !== appKey) return { ok: false, reason: 'unknown_key', message: 'X-WSSE Username is not our app key' };
  const created = new Date(token.created);
  if (!CREATED.test(token.created) || Number.isNaN(created.getTime())) {
    return { ok: false, reason: 'bad_created', message: 'X-WSSE Created is not an ISO 8601 UTC time' };
  }
  const now = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  if (Math.abs(now - created.getTime()) > options.maxSkewMs) {
    return { ok: false, reason: 'stale', message: `X-WSSE Created ${token.created} is more than ${options.maxSkewMs} ms from now` };
  }
  const expected = Buffer.from(wssePasswordDigest(token.nonce, token.created, appSecret, options.digest, options.contentDigest), 'utf8');
  const given = Buffer.from(token.passwordDigest, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'bad_digest', message: `X-WSSE PasswordDigest does not match${options.contentDigest ? ' the report body' : ''}` };
  }
  if (options.isReplay?.(token.nonce, created)) return { ok: false, reason: 'replayed', message: 'X-WSSE Nonce was already used' };
  return { ok: true, username: token.username, nonce: token.nonce, created };
}

// ---------------------------------------------------------------------------------------------
// Sending

export interface SmsMessage {
  /** E.164 numbers, "+8613800138000". */
  to: string[];
  templateId: string;
  params: string[];
  /** Our idempotency key (the outbox row's); sent as `extend` and echoed in delivery reports. */
  requestId: string;
}

export interface SmsRecipientResult {
  to: string;
  providerMessageId: string | null;
  /** "000000" when the gateway accepted the number, else its error code. */
  status: string;
  ok: boolean;
}

export interface SmsGateway {
  send(msg: SmsMessage): Promise<{ results: SmsRecipientResult[] }>;
}

export interface SmsGatewayOptions {
  /** The full batch-send endpoint, e.g. https://smsapi.cn-north-4.myhuaweicloud.com:443/sms/batchSendSms/v1 */
  url: string;
  appKey: string;
  appSecret: string;
  /** The channel number ("from"). */
  sender: string;
  /** Where the gateway posts delivery reports. */
  statusCallbackUrl: string;
  fetch?: typeof fetch;
  /** Per request, default 15 s. */
  timeoutMs?: number;
  digest?: DigestEncoding;
  /** Top-level gateway codes that mean "try again later" when the HTTP status does not say (default: E000000, system error). */
  transientCodes?: readonly string[];
}

export const E164 = /^\+[1-9]\d{6,14}$/;
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const OK = '000000';

export function createSmsGateway(options: SmsGatewayOptions): SmsGateway {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('SMS gateway url must be http(s)');
  if (!options.appKey || !options.appSecret || !options.sender) throw new TypeError('SMS gateway needs appKey, appSecret and sender');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transientCodes = new Set(options.transientCodes ?? ['E000000']);

  return {
    async send(msg) {
      if (msg.to.length === 0 || msg.to.length > 500) throw permanent('sms_invalid_request', `an SMS goes to 1 to 500 numbers, not ${msg.to.length}`);
      const badNumber = msg.to.find((n) => !E164.test(n));
      if (badNumber !== undefined) throw permanent('sms_invalid_request', `${JSON.stringify(badNumber)} is not a +country number`);
      if (!msg.templateId) throw permanent('sms_invalid_request', 'templateId is empty');
      if (!REQUEST_ID.test(msg.requestId)) throw permanent('sms_invalid_request', `requestId ${JSON.stringify(msg.requestId)} must be 1-128 letters, digits or _ . : -`);

      const form = new URLSearchParams({
        from: options.sender,
        to: msg.to.join(','),
        templateId: msg.templateId,
        templateParas: JSON.stringify(msg.params),
        statusCallback: options.statusCallbackUrl,
        extend: msg.requestId,
      });
      let res: Response;
      let body: string;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: {
            ...wsseHeaders(options.appKey, options.appSecret, { digest: options.digest }),
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
          },
          body: form.toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = await res.text();
      } catch (err) {
        const name = err instanceof Error ? err.name : '';
        if (name === 'TimeoutError' || name === 'AbortError') throw transient('sms_timeout', `SMS gateway did not answer within ${timeoutMs} ms`, err);
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        throw transient('sms_network', `cannot reach the SMS gateway: ${err instanceof Error ? err.message : String(err)}${cause}`, err);
      }
      return { results: interpretSendResponse(res.status, body, transientCodes) };
    },
  };
}

interface GatewayAnswer {
  code?: unknown;
  description?: unknown;
  result?: unknown;
}

/** Classifies a batch-send answer: per-number results, or a DeliveryError for the whole request. */
export function interpretSendResponse(httpStatus: number, body: string, transientCodes: ReadonlySet<string> = new Set(['E000000'])): SmsRecipientResult[] {
  let json: GatewayAnswer | null = null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) json = parsed as GatewayAnswer;
  } catch {
    json = null;
  }
  const code = typeof json?.code === 'string' ? json.code : null;
  const description = typeof json?.description === 'string' ? json.description : null;
  const said = [code, description].filter((s) => s !== null).join(' ') || body.slice(0, 200).trim() || '(empty answer)';

  if (httpStatus < 200 || httpStatus >= 300) {
    throw classifyHttpFailure(httpStatus, code, `SMS gateway answered HTTP ${httpStatus}: ${said}`);
  }
  if (json === null) {
    // The request may or may not have been sent; a retry may send twice, failing it would lose it.
    throw transient('sms_bad_response', `SMS gateway answered HTTP ${httpStatus} with something that is not JSON: ${said}`);
  }
  if (Array.isArray(json.result)) {
    return json.result.map((r: unknown) => {
      const row = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
      const status = typeof row.status === 'string' ? row.status : 'unknown';
      const id = typeof row.smsMsgId === 'string' && row.smsMsgId ? row.smsMsgId : null;
      return { to: typeof row.originTo === 'string' ? row.originTo : '', providerMessageId: id, status, ok: status === OK && id !== null };
    });
  }
  if (code === null || code === OK) {
    throw transient('sms_bad_response', `SMS gateway answered HTTP ${httpStatus} without per-number results: ${said}`);
  }
  const reason = `SMS gateway refused the request (HTTP ${httpStatus}): ${said}`;
  throw transientCodes.has(code) ? transient(`sms_${code}`, reason) : permanent(`sms_${code}`, reason);
}

function classifyHttpFailure(httpStatus: number, code: string | null, message: string): DeliveryError {
  const errorCode = code !== null && code !== OK ? `sms_${code}` : `sms_http_${httpStatus}`;
  if (httpStatus === 429 || httpStatus === 408 || httpStatus >= 500) return transient(errorCode, message);
  return permanent(errorCode, message);
}

// ---------------------------------------------------------------------------------------------
// Delivery reports

export interface StatusReport {
  providerMessageId: string;
  delivered: boolean;
  /** DELIVRD, or the failure status (EXPIRED, UNDELIV, REJECTD, …). */
  status: string;
  /** Why it was not delivered, null when it was. */
  reason: string | null;
  to: string | null;
  updatedAt: Date | null;
  /** Our requestId, when the gateway echoed `extend`. */
  requestId: string | null;
  /** The carrier's code (orgCode), when given. */
  orgCode: string | null;
}

const STATUS_WORDS: Record<string, string> = {
  EXPIRED: 'expired before it could be delivered',
  DELETED: 'deleted by the carrier',
  UNDELIV: 'undeliverable',
  ACCEPTD: 'accepted by the carrier, not yet delivered',
  UNKNOWN: 'delivery state unknown',
  REJECTD: 'rejected by the carrier',
  RTE_ERR: 'routing error',
  MILIMIT: 'too many messages to this number',
  LIMIT: 'sending limit reached',
  KEYWORD: 'content blocked by keyword filter',
  BLACK: 'number is on a block list',
};

/** Reads a delivery report (form fields smsMsgId, status, orgCode, updateTime, to, extend). Throws a permanent DeliveryError when it is not one. */
export function parseStatusReport(body: URLSearchParams | Record<string, string>): StatusReport {
  const get = (k: string): string | null => {
    const v = body instanceof URLSearchParams ? body.get(k) : Object.prototype.hasOwnProperty.call(body, k) ? body[k] : undefined;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  const providerMessageId = get('smsMsgId');
  const status = get('status');
  if (providerMessageId === null || status === null) {
    throw permanent('sms_invalid_report', 'delivery report without smsMsgId and status');
  }
  const orgCode = get('orgCode');
  const updateTime = get('updateTime');
  const updatedAt = updateTime === null ? null : new Date(updateTime);
  const delivered = status === 'DELIVRD';
  let reason: string | null = null;
  if (!delivered) {
    const words = STATUS_WORDS[status];
    reason = `${status}${words ? ` (${words})` : ''}${orgCode && orgCode !== OK && orgCode !== status ? `, carrier code ${orgCode}` : ''}`;
  }
  return {
    providerMessageId,
    delivered,
    status,
    reason,
    to: get('to'),
    updatedAt: updatedAt && !Number.isNaN(updatedAt.getTime()) ? updatedAt : null,
    requestId: get('extend'),
    orgCode,
  };
}
