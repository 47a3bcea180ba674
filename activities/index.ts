import type { Db } from '../db/client.js';
import type { Logger } from '../runtime/logger.js';
import * as decisions from './decisions.js';
import * as deadlines from './deadlines.js';

export interface ActivityDeps {
  db: Db;
  log: Logger;
}

/** Every side effect a workflow needs, bound to its dependencies (no module-level state). */
export function createActivities({ db }: ActivityDeps) {
  return {
    applyDecision: (args: Parameters<typeof decisions.applyDecision>[1]) => decisions.applyDecision(db, args),
    assignReview: (args: Parameters<typeof decisions.assignReview>[1]) => decisions.assignReview(db, args),
    markDeadlineReached: (args: Parameters<typeof deadlines.markDeadlineReached>[1]) => deadlines.markDeadlineReached(db, args),
  };
}
