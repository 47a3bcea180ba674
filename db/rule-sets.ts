import { and, desc, eq, sql } from 'drizzle-orm';
import { ruleSetVersions } from './schema.js';
import type { Db, Tx } from './client.js';
import { defaultRuleSet, parseRuleSet, type ReasonEntry, type RuleSet } from '../domain/rule-set.js';
import { type ReviewKind } from '../domain/review.js';
import { REVIEW_KINDS } from '../domain/kinds/index.js';

/** A kind's rule set as one version stored it; version 0 is the kind's defaults (nothing saved yet). */
export interface RuleSetVersion {
  kind: ReviewKind;
  version: number;
  rules: RuleSet;
  comment: string;
  authorId: string | null;
  authorName: string | null;
  restoredFrom: number | null;
  createdAt: Date | null;
}

type Row = typeof ruleSetVersions.$inferSelect;

function fromRow(row: Row): RuleSetVersion {
  const kind = row.kind as ReviewKind;
  return {
    kind,
    version: row.version,
    rules: parseRuleSet(kind, row.rules),
    comment: row.comment,
    authorId: row.authorId,
    authorName: row.authorName,
    restoredFrom: row.restoredFrom,
    createdAt: row.createdAt,
  };
}

/** A row as `row_to_json` gives it (snake_case, times as text), from a query that reads more than rules. */
export function ruleSetFromJson(kind: ReviewKind, json: Record<string, unknown> | null): RuleSetVersion {
  if (!json) return defaults(kind);
  return fromRow({
    kind: json.kind as string,
    version: Number(json.version),
    rules: json.rules,
    comment: (json.comment as string | null) ?? '',
    authorId: (json.author_id as string | null) ?? null,
    authorName: (json.author_name as string | null) ?? null,
    restoredFrom: json.restored_from == null ? null : Number(json.restored_from),
    createdAt: json.created_at ? new Date(json.created_at as string) : null,
  } as Row);
}

const defaults = (kind: ReviewKind): RuleSetVersion => ({
  kind,
  version: 0,
  rules: defaultRuleSet(kind),
  comment: '',
  authorId: null,
  authorName: null,
  restoredFrom: null,
  createdAt: null,
});

/** The version in force: the kind's highest, or its defaults. Every reader of rules comes through here. */
export async function ruleSetInForce(db: Db | Tx, kind: ReviewKind): Promise<RuleSetVersion> {
  const [row] = await db.select().from(ruleSetVersions).where(eq(ruleSetVersions.kind, kind)).orderBy(desc(ruleSetVersions.version)).limit(1);
  return row ? fromRow(row) : defaults(kind);
}

/** Every kind's rule set in force, in one query (the recompute reads them per page). */
export async function ruleSetsInForce(db: Db | Tx): Promise<Record<ReviewKind, RuleSetVersion>> {
  const rows = await db
    .selectDistinctOn([ruleSetVersions.kind])
    .from(ruleSetVersions)
    .orderBy(ruleSetVersions.kind, desc(ruleSetVersions.version));
  const out = Object.fromEntries(REVIEW_KINDS.map((k) => [k, defaults(k)])) as Record<ReviewKind, RuleSetVersion>;
  for (const row of rows) if ((REVIEW_KINDS as readonly string[]).includes(row.kind)) out[row.kind as ReviewKind] = fromRow(row);
  return out;
}

export async function findRuleSetVersion(db: Db | Tx, kind: ReviewKind, version: number): Promise<RuleSetVersion | undefined> {
  if (version === 0) return defaults(kind);
  const [row] = await db.select().from(ruleSetVersions).where(and(eq(ruleSetVersions.kind, kind), eq(ruleSetVersions.version, version)));
  return row ? fromRow(row) : undefined;
}

/** Newest first, with the defaults as version 0 at the end. */
export async function listRuleSetVersions(db: Db | Tx, kind: ReviewKind): Promise<RuleSetVersion[]> {
  const rows = await db.select().from(ruleSetVersions).where(eq(ruleSetVersions.kind, kind)).orderBy(desc(ruleSetVersions.version));
  return [...rows.map(fromRow), defaults(kind)];
}

/** Appends the next version; call it inside the change's transaction after `lockRuleSet`. */
export async function appendRuleSetVersion(
  tx: Tx,
  v: { kind: ReviewKind; rules: RuleSet; comment: string; authorId: string; authorName: string; restoredFrom?: number | null },
): Promise<number> {
  const [row] = await tx
    .insert(ruleSetVersions)
    .values({
      kind: v.kind,
      version: sql`(select coalesce(max(${ruleSetVersions.version}), 0) + 1 from ${ruleSetVersions} where ${ruleSetVersions.kind} = ${v.kind})`,
      rules: v.rules,
      comment: v.comment,
      authorId: v.authorId,
      authorName: v.authorName,
      restoredFrom: v.restoredFrom ?? null,
    })
    .returning({ version: ruleSetVersions.version });
  if (!row) throw new Error('rule set insert returned nothing');
  return row.version;
}

/** Serialises changes of one kind's rule set, so each version is computed from the one before. */
export async function lockRuleSet(tx: Tx, kind: ReviewKind): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`rule_set:${kind}`}))`);
}

/**
 * A reason by its code, active or retired: the version in force first, then older versions, then
 * the kind's defaults. Decisions store only the code, so a label must be found whatever became of it.
 */
export async function findReasonAnyVersion(db: Db | Tx, kind: ReviewKind, code: string): Promise<ReasonEntry | undefined> {
  const rows = await db
    .select({ reason: sql<ReasonEntry | null>`(select r from jsonb_array_elements(${ruleSetVersions.rules}->'reasons') r where r->>'code' = ${code} limit 1)` })
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.kind, kind), sql`${ruleSetVersions.rules}->'reasons' @> ${JSON.stringify([{ code }])}::jsonb`))
    .orderBy(desc(ruleSetVersions.version))
    .limit(1);
  const stored = rows[0]?.reason;
  if (stored && typeof stored.tenant?.en === 'string' && typeof stored.tenant['zh-CN'] === 'string') {
    // Every stored entry was checked when saved; read it as it was.
    return { code, staff: stored.staff ?? stored.tenant, tenant: stored.tenant, requiresText: stored.requiresText === true, active: stored.active !== false };
  }
  return defaultRuleSet(kind).reasons.find((r) => r.code === code);
}
