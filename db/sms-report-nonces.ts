import { lt } from 'drizzle-orm';
import type { Db } from './client.js';
import { smsReportNonces } from './schema.js';

/**
 * Records a delivery report's nonce until `expiresAt`; false when it was already used. The
 * primary key decides between concurrent copies of one report, in any process, across restarts.
 * Nonces past their expiry are dropped first: by then their Created time is refused anyway.
 */
export async function claimReportNonce(db: Db, nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
  await db.delete(smsReportNonces).where(lt(smsReportNonces.expiresAt, now));
  const claimed = await db.insert(smsReportNonces).values({ nonce, expiresAt }).onConflictDoNothing({ target: smsReportNonces.nonce }).returning({ nonce: smsReportNonces.nonce });
  return claimed.length === 1;
}
