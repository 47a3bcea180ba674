import type { Db } from '../db/client.js';
import type { Logger } from '../runtime/logger.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import type { ReviewClient } from './review-client.js';

/** What routes and use-cases need; built once per process and passed down. */
export interface AppDeps {
  db: Db;
  reviews: ReviewClient;
  calendar: () => Promise<CalendarContext>;
  log: Logger;
  now: () => Date;
  health: () => Promise<{ postgres: boolean; temporal: boolean }>;
}
