import type { Db } from '../../db/client.js';
import type { Actor } from '../../domain/review.js';
import { WorkingTimeError } from '../../domain/working-time.js';
import type { Logger } from '../../runtime/logger.js';
import { forbidden, HttpError } from '../errors.js';
import { requestRecompute, type RecomputeTarget } from '../../temporal/recompute-client.js';

/** What the admin use-cases need: the database and where to ask for the recompute. */
export interface RuleChangeDeps {
  db: Db;
  log: Logger;
  recompute: RecomputeTarget;
}

export function requireAdmin(actor: Actor, what: string): void {
  if (actor.role !== 'admin') throw forbidden(`only admins may change ${what}`);
}

/** A WorkingTimeError as the API's 422, naming the field under `prefix`. */
export function workingTimeRefusal(err: WorkingTimeError, prefix: string): HttpError {
  const path = err.field === prefix || prefix === '' ? err.field : `${prefix}.${err.field}`;
  return new HttpError(422, 'validation_failed', `invalid input: ${path}: ${err.message.replace(/^[^:]*: /, '')}`, [
    { path, message: err.message.replace(/^[^:]*: /, '') },
  ]);
}

/**
 * After the change committed: ask for the recompute. If Temporal cannot be reached, the change
 * stands (it is committed and audited) and the caller hears that deadlines follow only once the
 * request goes through: repeating the change (or ensureRecomputeRequested) asks again.
 */
export async function askForRecompute(deps: RuleChangeDeps, reason: string, version: number): Promise<void> {
  try {
    await requestRecompute(deps.recompute.client, deps.recompute.taskQueue, reason, version);
  } catch (err) {
    deps.log.error({ err, reason, version }, 'recompute request failed');
    throw new HttpError(503, 'recompute_not_started', 'the change is saved, but open deadlines could not be recomputed yet (Temporal is unavailable); save it again to retry');
  }
}
