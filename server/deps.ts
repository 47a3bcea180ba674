import type { Db } from '../db/client.js';
import type { Logger } from '../runtime/logger.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import type { ReviewClient } from './review-client.js';
import type { DevMailbox } from '../notifications/dev-mailbox.js';
import type { DevSmsGateway } from '../notifications/dev-sms-gateway.js';
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
  /** Seals and opens personal data kept in the database (ID numbers). */
  cipher: FieldCipher;
  health: () => Promise<{ postgres: boolean; temporal: boolean }>;
  /** The SMS gateway's key and secret (to verify its delivery reports) and the local sinks, when used. */
  notifications?: {
    smsCallback: { appKey: string; appSecret: string };
    dev: { mailbox?: DevMailbox; sms?: DevSmsGateway };
  };
}
