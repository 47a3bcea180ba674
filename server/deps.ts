import type { Db } from '../db/client.js';
import type { Logger } from '../runtime/logger.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import type { ReviewClient } from './review-client.js';
import type { DevMailbox } from '../notifications/dev-mailbox.js';
import type { DevSmsGateway } from '../notifications/dev-sms-gateway.js';

/** What routes and use-cases need; built once per process and passed down. */
export interface AppDeps {
  db: Db;
  reviews: ReviewClient;
  calendar: () => Promise<CalendarContext>;
  log: Logger;
  now: () => Date;
  health: () => Promise<{ postgres: boolean; temporal: boolean }>;
  /** The SMS gateway's key and secret (to verify its delivery reports) and the local sinks, when used. */
  notifications?: {
    smsCallback: { appKey: string; appSecret: string };
    dev: { mailbox?: DevMailbox; sms?: DevSmsGateway };
  };
}
