import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { findRuleSet } from './rules.js';
import { enterprises, reviews, storedFiles, tenants } from './schema.js';
import { enterpriseQualificationKind } from '../domain/kinds/enterprise-qualification.js';
import { DEFAULT_RISK_LIMITS, riskSignals, type OtherEnterprise, type RiskSignal } from '../domain/risk-signals.js';

/** The kind whose submissions carry risk signals: enterprises, compared with each other. */
export const RISK_SIGNAL_KIND = enterpriseQualificationKind.kind;

const other = {
  enterpriseId: enterprises.id,
  reviewId: enterprises.reviewId,
  tenantId: enterprises.tenantId,
  tenantName: tenants.name,
  companyName: enterprises.companyName,
  status: enterprises.status,
};

/** Image fields whose files are compared by checksum with other tenants' submissions. */
const IMAGE_FIELDS = ['license', 'handlerIdFront', 'handlerIdBack', 'handlerWithId', 'applicationLetter', 'commitmentLetter'];

/**
 * Looks for what the risk signals need (domain/risk-signals.ts) around one enterprise: others with
 * its licence code or its handler's ID number (by keyed digest, never opening an ID), and other
 * tenants' enterprises that submitted the same image file.
 */
export async function findRiskSignals(
  db: Db | Tx,
  e: { id: string; tenantId: string; companyName: string; licenseCode: string; handlerIdDigest: string | null },
  digests: Record<string, string>,
): Promise<RiskSignal[]> {
  const base = () => db.select(other).from(enterprises).innerJoin(tenants, eq(tenants.id, enterprises.tenantId));
  const [sameLicense, sameHandler, images, rules] = await Promise.all([
    base().where(and(eq(enterprises.licenseCode, e.licenseCode), ne(enterprises.id, e.id))).orderBy(enterprises.createdAt).limit(50),
    e.handlerIdDigest ? base().where(and(eq(enterprises.handlerIdDigest, e.handlerIdDigest), ne(enterprises.id, e.id))).orderBy(enterprises.createdAt).limit(1000) : Promise.resolve([] as OtherEnterprise[]),
    imagesElsewhere(db, e, digests),
    findRuleSet(db, RISK_SIGNAL_KIND),
  ]);
  return riskSignals({
    tenantId: e.tenantId,
    companyName: e.companyName,
    sameLicense,
    sameHandler,
    sameImages: images,
    limits: rules.checks.risk ?? DEFAULT_RISK_LIMITS,
  });
}

async function imagesElsewhere(db: Db | Tx, e: { id: string; tenantId: string }, digests: Record<string, string>): Promise<{ field: string; other: OtherEnterprise }[]> {
  const byDigest = new Map<string, string[]>();
  for (const [field, sha] of Object.entries(digests)) if (IMAGE_FIELDS.includes(field)) byDigest.set(sha, [...(byDigest.get(sha) ?? []), field]);
  if (byDigest.size === 0) return [];
  // The earliest other tenant's submission of each file: one signal per image, whatever else reused it.
  const rows = await db
    .selectDistinctOn([storedFiles.sha256], { sha256: storedFiles.sha256, ...other })
    .from(storedFiles)
    .innerJoin(enterprises, eq(enterprises.id, storedFiles.subjectId))
    .innerJoin(tenants, eq(tenants.id, enterprises.tenantId))
    .where(and(inArray(storedFiles.sha256, [...byDigest.keys()]), eq(storedFiles.kind, RISK_SIGNAL_KIND), ne(storedFiles.tenantId, e.tenantId)))
    .orderBy(storedFiles.sha256, storedFiles.createdAt);
  return rows.flatMap(({ sha256, ...o }) => (byDigest.get(sha256) ?? []).map((field) => ({ field, other: o })));
}

/** Open enterprise reviews that carry at least one risk signal (the dashboard's count). */
export async function countOpenWithSignals(db: Db | Tx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(enterprises)
    .innerJoin(reviews, eq(reviews.id, enterprises.reviewId))
    .where(and(eq(reviews.status, 'pending'), sql`jsonb_array_length(${enterprises.riskSignals}) > 0`));
  return row?.n ?? 0;
}
