import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * The dev mailbox: an in-process SMTP server that keeps what it receives in memory, for
 * `npm start` without SMTP_URL (the back office lists the messages) and for tests. Plain SMTP
 * on 127.0.0.1, no TLS; AUTH is accepted with any credentials unless `auth` is given, in
 * which case it is required and checked (wrong credentials get 535). `failNext` makes it
 * refuse the next transactions with a chosen reply, to act as a busy or rejecting server.
 * Messages are read with mailparser (any MIME structure, charsets such as GBK, attachments).
 */

export interface MailboxMessage {
  /** The queue id the mailbox answered with ("250 OK: queued as <id>"). */
  id: string;
  /** The From header, decoded. */
  from: string;
  /** The envelope recipients (RCPT TO): who actually received it. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  /** The Message-ID header with its angle brackets, or null. */
  messageId: string | null;
  /** The envelope (MAIL FROM / RCPT TO) as the client gave it. */
  envelope: { from: string | null; to: string[] };
  /** Decoded header fields by lowercase name; repeated fields joined with ", ". */
  headers: Record<string, string>;
  /** What was attached (the content itself is not kept). */
  attachments: { filename: string | null; contentType: string; size: number }[];
  raw: string;
  receivedAt: Date;
  /**
   * When the sender began the message (its DATA command). The sender was alive then; `receivedAt`, stamped once
   * the message is read, can come after a sender that died with the message on its way.
   */
  dataStartedAt: Date;
}

export type FailStage = 'connect' | 'mail' | 'rcpt' | 'data';

export interface DevMailbox {
  /** smtp://127.0.0.1:<port> (with the credentials when `auth` is set). */
  url: string;
  port: number;
  messages(): MailboxMessage[];
  clear(): void;
  /** Calls `cb` for every message received from now on; returns an unsubscribe function. */
  onMessage(cb: (message: MailboxMessage) => void): () => void;
  /**
   * Refuses the next `n` attempts with `code message` at `stage` (default `rcpt`): a 4xx
   * reply is a temporary refusal, a 5xx a permanent one; at `connect` the greeting is the
   * refusal and the connection closes. A later call replaces an earlier one; n = 0 clears it.
   */
  failNext(n: number, code: number, message: string, stage?: FailStage): void;
  stop(): Promise<void>;
}

export interface DevMailboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Require and check these credentials. */
  auth?: { user: string; pass: string };
  /** Oldest messages are dropped past this many (default 1000). */
  maxMessages?: number;
  /** Largest message accepted, in bytes (default 10 MB). */
  maxSize?: number;
}

interface Failure {
  remaining: number;
  code: number;
  message: string;
  stage: FailStage;
}

function refusal(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startDevMailbox(options: DevMailboxOptions = {}): Promise<DevMailbox> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 1000;
  const maxSize = options.maxSize ?? 10 * 1024 * 1024;
  const stored: MailboxMessage[] = [];
  const listeners = new Set<(m: MailboxMessage) => void>();
  let failure: Failure | null = null;

  const takeFailure = (stage: FailStage): (Error & { responseCode: number }) | null => {
    if (!failure || failure.stage !== stage || failure.remaining <= 0) return null;
    failure.remaining -= 1;
    const err = refusal(failure.code, failure.message);
    if (failure.remaining === 0) failure = null;
    return err;
  };

  const server = new SMTPServer({
    name: 'dev-mailbox.voice-review-desk',
    banner: 'Voice Review Desk dev mailbox',
    disabledCommands: ['STARTTLS'],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: maxSize,
    rejectOversized: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    socketTimeout: 60_000,
    onConnect(_session: SMTPServerSession, callback: (err?: Error | null) => void) {
      callback(takeFailure('connect'));
    },
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && (auth.username !== expected.user || auth.password !== expected.pass)) {
        callback(refusal(535, 'Authentication credentials invalid'));
        return;
      }
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onMailFrom(_address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      callback(takeFailure('mail'));
    },
    onRcptTo(_address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      callback(takeFailure('rcpt'));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const dataStartedAt = new Date();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        const refused = takeFailure('data');
        if (refused) {
          callback(refused);
          return;
        }
        if (stream.sizeExceeded) {
          callback(refusal(552, `Message exceeds the fixed maximum size of ${maxSize} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks);
        const id = randomBytes(6).toString('hex').toUpperCase();
        readMessage(raw).then(
          (parsed) => {
            const mailFrom = session.envelope.mailFrom;
            const message: MailboxMessage = {
              id,
              ...parsed,
              to: session.envelope.rcptTo.map((r) => r.address),
              envelope: { from: mailFrom ? mailFrom.address : null, to: session.envelope.rcptTo.map((r) => r.address) },
              raw: raw.toString('utf8'),
              receivedAt: new Date(),
              dataStartedAt,
            };
            stored.push(message);
            if (stored.length > maxMessages) stored.splice(0, stored.length - maxMessages);
            for (const cb of listeners) {
              try {
                cb(message);
              } catch {
                // A listener's failure is its own; the message is stored.
              }
            }
            callback(null, `OK: queued as ${id}`);
          },
          (err: unknown) => callback(refusal(554, `Message could not be parsed: ${err instanceof Error ? err.message : String(err)}`)),
        );
      });
    },
  });
  // Connection-level errors (a client vanishing mid-command) are not the mailbox's failure.
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let stopped: Promise<void> | null = null;

  return {
    url: `smtp://${credentials}${hostInUrl}:${port}`,
    port,
    messages: () => [...stored],
    clear: () => {
      stored.length = 0;
    },
    onMessage(cb) {
      listeners.add(cb);
      return () => {
        listeners.delete(cb);
      };
    },
    failNext(n, code, message, stage = 'rcpt') {
      if (!Number.isInteger(code) || code < 400 || code > 599) throw new RangeError(`failNext code ${code} is not a 4xx or 5xx SMTP reply`);
      failure = n > 0 ? { remaining: n, code, message, stage } : null;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        listeners.clear();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

type ReadFields = Pick<MailboxMessage, 'from' | 'subject' | 'text' | 'html' | 'messageId' | 'headers' | 'attachments'>;

async function readMessage(raw: Buffer): Promise<ReadFields> {
  const mail = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true });
  return {
    from: mail.from ? addressText(mail.from) : '',
    subject: mail.subject ?? '',
    text: (mail.text ?? '').replace(/\r\n/g, '\n'),
    html: typeof mail.html === 'string' ? mail.html : null,
    messageId: mail.messageId ?? null,
    headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, headerText(v)])),
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
  };
}

/** `Name <address>` as people write it (mailparser's own text quotes every name). */
function addressText(list: AddressObject | AddressObject[]): string {
  return (Array.isArray(list) ? list : [list])
    .flatMap((o) => o.value)
    .map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '')))
    .join(', ');
}

/** One header's value as text: addresses as written, structured values with their parameters, list headers as JSON. */
function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v: unknown) => headerText(v)).join(', ');
  if (value !== null && typeof value === 'object') {
    const v = value as { value?: unknown; params?: Record<string, string> };
    if (Array.isArray(v.value)) return addressText(value as AddressObject);
    if (typeof v.value === 'string') return v.value + Object.entries(v.params ?? {}).map(([k, p]) => `; ${k}=${p}`).join('');
    return JSON.stringify(value);
  }
  return String(value);
}
