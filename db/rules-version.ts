import { eq, sql, type SQL } from 'drizzle-orm';
import { appSettings } from './schema.js';
import type { Db, Tx } from './client.js';
import { DEFAULT_CALENDAR_ID } from './calendars.js';
import { ruleSetFromJson, type RuleSetVersion } from './rule-sets.js';
import type { ReviewKind } from '../domain/review.js';

/**
 * The global rules version (app_settings 'rules_version', 0 until the first change).
 *
 * Every change of a deadline rule or of the working calendar bumps it in the same
 * transaction as the change. Each open review row records the version its deadline was
 * computed under (reviews.rules_version), so "recompute everything" means "bring every
 * pending row whose rules_version is below the current one up to date": a recompute that
 * is interrupted, retried or overtaken by another change simply finds the rows still behind.
 */
export const RULES_VERSION_KEY = 'rules_version';

export async function currentRulesVersion(db: Db | Tx): Promise<number> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, RULES_VERSION_KEY));
  return row ? Number(row.value) : 0;
}

/** Atomically increments the rules version (creating it at 1) and returns the new value. Call it inside the change's transaction. */
export async function bumpRulesVersion(tx: Tx): Promise<number> {
  const [row] = await tx
    .insert(appSettings)
    .values({ key: RULES_VERSION_KEY, value: '1' })
    .onConflictDoUpdate({ target: appSettings.key, set: { value: sql`((${appSettings.value})::int + 1)::text` } })
    .returning({ value: appSettings.value });
  if (!row) throw new Error('rules version bump returned nothing');
  return Number(row.value);
}

/**
 * The rules version and the stored calendar's version in one round trip. A submission reads
 * them before computing a deadline and again after committing it (with its started mark, see
 * markWorkflowStarted), to notice a change that raced it (see recomputeIfRulesMoved in
 * deadlines/recompute.ts). A missing calendar is version 0.
 */
export async function currentVersions(db: Db | Tx, calendarId = DEFAULT_CALENDAR_ID): Promise<Versions> {
  const rows = await db.execute<StoredVersions>(sql`select ${versionColumns(calendarId)}`);
  return versionsOf(rows[0]);
}

export interface Versions {
  rules: number;
  calendar: number;
}

type StoredVersions = { rules: string | null; calendar: number | null };

/** The two versions as select-list columns `rules` and `calendar`, for a statement that reads them beside something else. */
export function versionColumns(calendarId = DEFAULT_CALENDAR_ID): SQL {
  return sql`(select value from app_settings where key = ${RULES_VERSION_KEY}) as rules,
           (select version from calendars where id = ${calendarId}) as calendar`;
}

/** A missing calendar counts as version 0, as runtime/calendar-cache.ts does; a missing rules version is 0 too. */
export function versionsOf(row: StoredVersions | undefined): Versions {
  return { rules: row?.rules == null ? 0 : Number(row.rules), calendar: row?.calendar == null ? 0 : Number(row.calendar) };
}

/**
 * What a new round is computed under, in one round trip: the rules and calendar versions (as
 * currentVersions reads them) and the kind's rule set in force.
 */
export async function versionsAndRuleSet(db: Db | Tx, kind: ReviewKind, calendarId = DEFAULT_CALENDAR_ID): Promise<Versions & { ruleSet: RuleSetVersion }> {
  const rows = await db.execute<StoredVersions & { rule_set: Record<string, unknown> | null }>(sql`
    select ${versionColumns(calendarId)},
           (select row_to_json(v) from (select * from rule_set_versions where kind = ${kind} order by version desc limit 1) v) as rule_set`);
  const row = rows[0];
  return { ...versionsOf(row), ruleSet: ruleSetFromJson(kind, row?.rule_set ?? null) };
}
