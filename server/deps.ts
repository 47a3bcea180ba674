import type { Db } from '../db/client.js';
import type { Logger } from '../runtime/logger.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import type { ReviewClient } from '../temporal/review-client.js';
import type { MailboxMessage } from '../notifications/dev-mailbox.js';
import type { SmsGatewayMessage } from '../notifications/dev-sms-gateway.js';
import type { ProcessState } from '../runtime/supervisor.js';
import type { FileStore } from '../files/store.js';
import type { FieldCipher } from '../db/sealed-field.js';

/** What routes and use-cases need; built once per process and passed down. */
export interface AppDeps {
  db: Db;
  reviews: ReviewClient;
  calendar: () => Promise<CalendarContext>;
  log: Logger;
  now: () => Date;
  /** Uploaded files (staged, kept, served to staff). */
  files: FileStore;
  /** A claim nobody renews lapses after this many minutes (0: never). */
  claimIdleMinutes: number;
  presenceHeartbeatSeconds: number;
  /** Unknown API keys one address may send in the throttle's window before it is answered 429. */
  apiKeyGuessesPerAddress: number;
  /** Seals and opens personal data kept in the database (ID numbers). */
  cipher: FieldCipher;
  health: () => Promise<{ postgres: boolean; temporal: boolean }>;
  /** The processes of this one's supervisor (web, worker), when it has one: shown by /healthz and /metrics. */
  processes?: () => ProcessState[];
  /** The SMS gateway's key and secret (to verify its delivery reports) and the local sinks, when used. */
  notifications?: {
    smsCallback: { appKey: string; appSecret: string };
    /** What the local stand-ins received: in this process, or asked of the supervisor they run in. */
    dev: { mailbox?: { messages(): MailboxMessage[] | Promise<MailboxMessage[]> }; sms?: { messages(): SmsGatewayMessage[] | Promise<SmsGatewayMessage[]> } };
  };
}
