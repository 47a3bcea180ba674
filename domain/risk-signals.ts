/**
 * Risk signals on an enterprise qualification: facts found at intake that a reviewer should look
 * at, each pointing at what it found. They never decide anything. Pure: the look-ups are done by
 * the caller (db/risk-signals.ts) and handed in.
 */

export interface RiskLimits {
  /** More enterprises than this behind one handler ID number (across all tenants) is a signal. */
  maxEnterprisesPerHandler: number;
}

export const DEFAULT_RISK_LIMITS: RiskLimits = { maxEnterprisesPerHandler: 3 };

/** Another enterprise a signal points at. */
export interface OtherEnterprise {
  enterpriseId: string;
  reviewId: string;
  tenantId: string;
  tenantName: string;
  companyName: string;
  status: string;
}

export type RiskSignal =
  | { code: 'license_elsewhere'; other: OtherEnterprise }
  | { code: 'handler_elsewhere'; other: OtherEnterprise }
  | { code: 'handler_many'; count: number; max: number }
  | { code: 'name_differs'; other: OtherEnterprise }
  | { code: 'image_elsewhere'; field: string; other: OtherEnterprise };

export interface RiskFacts {
  tenantId: string;
  companyName: string;
  /** Other enterprises (this one excluded) with the same licence code. */
  sameLicense: OtherEnterprise[];
  /** Other enterprises (this one excluded) with the same handler ID number. */
  sameHandler: OtherEnterprise[];
  /** Other tenants' enterprises that submitted a file with the same checksum, per field of this one. */
  sameImages: { field: string; other: OtherEnterprise }[];
  limits: RiskLimits;
}

/** At most this many signals of one code, so a much-reused licence does not flood the page. */
const PER_CODE = 5;

/**
 * The signals: the same licence code or handler ID under another tenant; one handler ID behind
 * more enterprises than the limit; a company name that differs from an earlier approved enterprise
 * with the same licence code; the same image file submitted by another tenant.
 */
export function riskSignals(f: RiskFacts): RiskSignal[] {
  const elsewhere = (list: OtherEnterprise[]) => list.filter((o) => o.tenantId !== f.tenantId).slice(0, PER_CODE);
  const signals: RiskSignal[] = [
    ...elsewhere(f.sameLicense).map((other) => ({ code: 'license_elsewhere' as const, other })),
    ...elsewhere(f.sameHandler).map((other) => ({ code: 'handler_elsewhere' as const, other })),
  ];
  const behindHandler = f.sameHandler.length + 1;
  if (behindHandler > f.limits.maxEnterprisesPerHandler) signals.push({ code: 'handler_many', count: behindHandler, max: f.limits.maxEnterprisesPerHandler });
  const fold = (name: string) => name.normalize('NFKC').replace(/\s+/gu, '');
  signals.push(
    ...f.sameLicense
      .filter((o) => o.status === 'approved' && fold(o.companyName) !== fold(f.companyName))
      .slice(0, PER_CODE)
      .map((other) => ({ code: 'name_differs' as const, other })),
  );
  // One signal per image field (a file reused once is as telling as one reused often).
  const seen = new Set<string>();
  for (const s of f.sameImages) {
    if (s.other.tenantId === f.tenantId || seen.has(s.field)) continue;
    seen.add(s.field);
    signals.push({ code: 'image_elsewhere', field: s.field, other: s.other });
  }
  return signals;
}
