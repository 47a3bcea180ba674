import nodemailer from 'nodemailer';
import { DeliveryError, permanent, transient } from './errors.js';

/**
 * Email over SMTP with nodemailer: one pooled transport per process, configured from a URL.
 *
 *   smtp://[user:pass@]host[:port][?tls=required|none][&pool=5]   (port 587 by default)
 *   smtps://[user:pass@]host[:port][?pool=5]                       (implicit TLS, port 465)
 *
 * `smtp://` upgrades with STARTTLS when the server offers it; `tls=required` refuses to send
 * without it, `tls=none` never tries (a local catcher). Certificates are always verified.
 *
 * Every failure is a {@link DeliveryError}: 4xx replies, refused connections and timeouts are
 * retryable; 5xx replies (bad mailbox, refused content, failed authentication), missing
 * credentials and addresses we refuse before sending are permanent. Retries belong to the
 * caller (the Temporal activity): the pool itself does not requeue a message.
 */

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Our idempotency key (the outbox row's); sent as the Message-ID `<key@voice-review-desk>`. */
  messageId: string;
}

export interface EmailSendResult {
  /** The server's id for the message (its queue id when the reply names one), else our Message-ID. */
  providerMessageId: string;
  /** The Message-ID header we sent, with its angle brackets. */
  messageIdHeader: string;
  /** The server's final reply, e.g. "250 OK: queued as 1A2B3C". */
  response: string;
}

export interface EmailTransport {
  send(msg: EmailMessage): Promise<EmailSendResult>;
  /** Connects (and authenticates) once; throws a classified DeliveryError when that fails. */
  verify(): Promise<void>;
  close(): void;
}

export interface EmailTransportOptions {
  url: string;
  /** Sender, "noreply@example.com" or "Voice Review Desk <noreply@example.com>". */
  from: string;
  /** Milliseconds; defaults suit an activity with a start-to-close timeout of a minute. */
  timeouts?: { connection?: number; greeting?: number; socket?: number };
}

export const MESSAGE_ID_DOMAIN = 'voice-review-desk';

// RFC 5322 dot-atom-text: what may stand left of the @ in a Message-ID without quoting.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** The Message-ID header for an idempotency key: `<key@voice-review-desk>`. */
export function messageIdFor(key: string): string {
  if (key.length === 0 || key.length > 200 || !ATEXT.test(key)) {
    throw permanent('invalid_message_id', `idempotency key ${JSON.stringify(key)} cannot be a Message-ID (letters, digits, . - _ and the like, at most 200)`);
  }
  return `<${key}@${MESSAGE_ID_DOMAIN}>`;
}

// A bare mailbox address: no display name, no whitespace or specials, a dotted domain.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@(?=.{1,253}$)[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]{0,62})(?:\.[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]{0,62}))+$/;

export function isValidEmailAddress(address: string): boolean {
  return ADDRESS.test(address) && !address.includes('..');
}

interface ParsedSmtpUrl {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  ignoreTLS: boolean;
  auth: { user: string; pass: string } | undefined;
  maxConnections: number;
}

/** Parses `smtp://` / `smtps://` URLs; throws on anything else (a configuration error). */
export function parseSmtpUrl(raw: string): ParsedSmtpUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError('SMTP_URL is not a URL (expected smtp://host:port or smtps://host:port)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new TypeError(`SMTP_URL must use smtp:// or smtps://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new TypeError('SMTP_URL has no host');
  const secure = url.protocol === 'smtps:';
  const tls = url.searchParams.get('tls');
  if (tls !== null && tls !== 'required' && tls !== 'none' && tls !== 'opportunistic') {
    throw new TypeError(`SMTP_URL tls=${tls} is not one of required, opportunistic, none`);
  }
  if (secure && tls === 'none') throw new TypeError('SMTP_URL smtps:// cannot have tls=none');
  const pool = url.searchParams.get('pool');
  const maxConnections = pool === null ? 5 : Number(pool);
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) {
    throw new TypeError(`SMTP_URL pool=${pool} is not a connection count from 1 to 100`);
  }
  const user = decodeURIComponent(url.username);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    host,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: tls === 'required',
    ignoreTLS: tls === 'none',
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
    maxConnections,
  };
}

export function createEmailTransport(options: EmailTransportOptions): EmailTransport {
  const cfg = parseSmtpUrl(options.url);
  const transporter = nodemailer.createTransport({
    pool: true,
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    requireTLS: cfg.requireTLS,
    ignoreTLS: cfg.ignoreTLS,
    auth: cfg.auth,
    maxConnections: cfg.maxConnections,
    // Temporal owns retries: a connection dropped mid-send fails the send instead of a hidden resend.
    maxRequeues: 0,
    // Close idle connections before a typical server does (Postfix: 300 s) so none goes stale.
    idleTimeout: 30_000,
    connectionTimeout: options.timeouts?.connection ?? 10_000,
    greetingTimeout: options.timeouts?.greeting ?? 10_000,
    socketTimeout: options.timeouts?.socket ?? 30_000,
    logger: false,
  });

  return {
    async send(msg) {
      if (!isValidEmailAddress(msg.to)) {
        throw permanent('invalid_address', `recipient ${JSON.stringify(msg.to)} is not a valid email address`);
      }
      const messageIdHeader = messageIdFor(msg.messageId);
      let info: { response: string; serverMessageId?: string | undefined; rejected: unknown[]; rejectedErrors?: unknown[] | undefined };
      try {
        info = await transporter.sendMail({
          from: options.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          ...(msg.html === undefined ? {} : { html: msg.html }),
          messageId: messageIdHeader,
        });
      } catch (err) {
        throw classifySmtpError(err);
      }
      if (info.rejected.length > 0) {
        // Only reachable if nodemailer reports a lone recipient as rejected without throwing.
        const first = info.rejectedErrors?.[0];
        throw first === undefined ? permanent('smtp_rejected', `the server refused ${msg.to}`) : classifySmtpError(first);
      }
      const providerMessageId = info.serverMessageId ?? queueIdFromReply(info.response) ?? messageIdHeader;
      return { providerMessageId, messageIdHeader, response: info.response };
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** "250 2.0.0 Ok: queued as 4BcD3f1x" (Postfix and most MTAs) → "4BcD3f1x". */
export function queueIdFromReply(response: string | undefined): string | undefined {
  const m = /\bqueued as ([A-Za-z0-9._-]+)/i.exec(response ?? '');
  return m?.[1];
}

interface SmtpErrorLike {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  cause?: unknown;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ECONNABORTED', 'ECONNECTION', 'ESOCKET', 'EAI_AGAIN']);
const DNS_CODES = new Set(['EDNS', 'ENOTFOUND', 'ENODATA', 'ESERVFAIL']);
// A certificate that does not verify will not verify on the next attempt either.
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|UNABLE_TO_GET_ISSUER/;
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

/**
 * Maps whatever nodemailer (or the socket under it) threw to a DeliveryError. A reply code
 * decides when there is one (RFC 5321: 4yz transient, 5yz permanent, 503 "bad sequence" is a
 * session problem and retryable); otherwise the error code does; unknown errors are retryable.
 */
export function classifySmtpError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e: SmtpErrorLike = typeof err === 'object' && err !== null ? (err as SmtpErrorLike) : { message: String(err) };
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const causeCode = typeof e.cause === 'object' && e.cause !== null && typeof (e.cause as { code?: unknown }).code === 'string' ? (e.cause as { code: string }).code : undefined;
  const originalCode = typeof e.originalCode === 'string' ? e.originalCode : causeCode;
  const replyCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = typeof e.response === 'string' ? e.response.trim() : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;

  if (replyCode !== undefined && replyCode >= 400 && replyCode < 600) {
    const reason = `SMTP ${reply ?? replyCode}${command ? ` (after ${command.split(' ')[0]})` : ''}`;
    if (replyCode >= 500 && replyCode !== 503) {
      const what = AUTH_REPLY_CODES.has(replyCode) || code === 'EAUTH' ? 'authentication refused' : 'refused';
      return permanent(`smtp_${replyCode}`, `${what}: ${reason}`, err);
    }
    return transient(`smtp_${replyCode}`, `deferred: ${reason}`, err);
  }

  const low = originalCode ?? code;
  if (code === 'ETIMEDOUT' || low === 'ETIMEDOUT') return transient('smtp_timeout', `timed out: ${message}`, err);
  if (code === 'ETLS' || code === 'EREQUIRETLS') {
    if (code === 'EREQUIRETLS' || (low !== undefined && CERTIFICATE_CODES.test(low)) || CERTIFICATE_CODES.test(message.toUpperCase().replace(/ /g, '_'))) {
      return permanent('smtp_tls', `TLS refused: ${message}`, err);
    }
    return transient('smtp_tls', `TLS failed: ${message}`, err);
  }
  if (low !== undefined && DNS_CODES.has(low)) return transient('smtp_dns', `cannot resolve the SMTP host: ${message}`, err);
  if (low !== undefined && CONNECTION_CODES.has(low)) return transient('smtp_connection', `cannot reach the SMTP server: ${message}`, err);
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') return permanent('smtp_auth', `authentication failed: ${message}`, err);
  if (code === 'EENVELOPE' || code === 'EMAXRECIPIENTS') return permanent('invalid_address', `envelope refused: ${message}`, err);
  if (code === 'ECONFIG' || code === 'EMESSAGE' || code === 'ESTREAM') return permanent('smtp_error', message, err);
  if (code === 'EPROTOCOL') return transient('smtp_protocol', `unexpected SMTP reply: ${message}`, err);
  return transient('smtp_error', message, err);
}
