import { and, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { noticeAttempts, notificationOutbox, tenants } from './schema.js';
import type { Db } from './client.js';
import { UUID_TEXT } from '../domain/ids.js';

export type OutboxRow = typeof notificationOutbox.$inferSelect;
export type OutboxState = OutboxRow['state'];

export async function findNotice(db: Db, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id));
  return row;
}

/**
 * Claims the send for one delivery workflow: a queued row (or one this same workflow left
 * "sending" when its worker died) becomes "sending" with one more attempt. Another
 * workflow holding the claim wins; this one then leaves the row alone.
 */
export async function claimNoticeForSending(db: Db, id: string, claimant: string): Promise<OutboxRow | undefined> {
  const [row] = await db
    .update(notificationOutbox)
    .set({ state: 'sending', claimedBy: claimant, attempts: sql`${notificationOutbox.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(notificationOutbox.id, id),
        sql`(${notificationOutbox.state} = 'queued' or (${notificationOutbox.state} = 'sending' and ${notificationOutbox.claimedBy} = ${claimant}))`,
      ),
    )
    .returning();
  return row;
}

/**
 * Writes a state change and, when it happened, one line of the notice's history: one statement
 * (the history row is inserted from the update's own result), so one round trip and atomic.
 */
async function changeState(
  db: Db,
  id: string,
  change: { state: OutboxState; lastError: string | null; providerMessageId?: string },
  from: SQL,
  outcome: (typeof noticeAttempts.$inferInsert)['outcome'],
  detail: string | null,
): Promise<void> {
  const sent = change.state === 'sent';
  await db.execute(sql`
    with changed as (
      update ${notificationOutbox}
      set state = ${change.state}, last_error = ${change.lastError}::text,
          provider_message_id = ${sent ? sql`${change.providerMessageId ?? null}::text` : sql`${notificationOutbox.providerMessageId}`},
          sent_at = ${sent ? sql`now()` : sql`${notificationOutbox.sentAt}`},
          updated_at = now()
      where ${notificationOutbox.id} = ${id} and ${from}
      returning ${notificationOutbox.attempts} as attempt)
    insert into ${noticeAttempts} (notice_id, outcome, attempt, detail)
    select ${id}::uuid, ${outcome}::text, attempt, ${detail?.slice(0, 1000) ?? null}::text from changed`);
}

export async function markNoticeSent(db: Db, id: string, providerMessageId: string): Promise<void> {
  await changeState(db, id, { state: 'sent', providerMessageId, lastError: null }, eq(notificationOutbox.state, 'sending'), 'sent', providerMessageId);
}

export async function markNoticeRetrying(db: Db, id: string, error: string): Promise<void> {
  await changeState(db, id, { state: 'queued', lastError: error.slice(0, 1000) }, eq(notificationOutbox.state, 'sending'), 'retrying', error);
}

export async function markNoticeFailed(db: Db, id: string, error: string): Promise<void> {
  await changeState(db, id, { state: 'failed', lastError: error.slice(0, 1000) }, sql`${notificationOutbox.state} in ('queued', 'sending')`, 'failed', error);
}

export async function listNoticeAttempts(db: Db, id: string) {
  return db.select().from(noticeAttempts).where(eq(noticeAttempts.noticeId, id)).orderBy(noticeAttempts.id);
}

/** A delivery report from the SMS gateway: delivered, or failed with the carrier's reason. */
/** `<outbox id>.<send round>`: the request id a notice is sent with, which the gateway echoes as `extend`. */
const REQUEST_ID = new RegExp(`^(${UUID_TEXT})\\.(\\d{1,6})$`, 'i');

/**
 * Marks the row a delivery report is about delivered or failed. The row is found by the provider's
 * message id, or, when its send was never recorded (the worker died after the gateway accepted the
 * message and before the row was marked sent), by our request id: the report then records the
 * provider's id too, and the retried delivery finds the row settled instead of sending it again.
 */
export async function applyDeliveryReport(db: Db, report: { providerMessageId: string; delivered: boolean; reason: string | null; requestId: string | null }): Promise<number> {
  const { providerMessageId, delivered, reason } = report;
  const ours = report.requestId ? REQUEST_ID.exec(report.requestId) : null;
  const unrecorded = ours
    ? and(eq(notificationOutbox.id, ours[1]!.toLowerCase()), eq(notificationOutbox.sendRound, Number(ours[2])), eq(notificationOutbox.channel, 'sms'), eq(notificationOutbox.state, 'sending'), isNull(notificationOutbox.providerMessageId))
    : undefined;
  const rows = await db
    .update(notificationOutbox)
    .set(
      delivered
        ? { state: 'delivered', providerMessageId, sentAt: sql`coalesce(${notificationOutbox.sentAt}, now())`, deliveredAt: sql`now()`, updatedAt: sql`now()` }
        : { state: 'failed', providerMessageId, lastError: `delivery report: ${reason ?? 'not delivered'}`, updatedAt: sql`now()` },
    )
    .where(
      unrecorded
        ? or(and(eq(notificationOutbox.providerMessageId, providerMessageId), sql`${notificationOutbox.state} in ('sent', 'sending', 'delivered')`), unrecorded)
        : and(eq(notificationOutbox.providerMessageId, providerMessageId), sql`${notificationOutbox.state} in ('sent', 'sending', 'delivered')`),
    )
    .returning({ id: notificationOutbox.id, attempts: notificationOutbox.attempts });
  if (rows.length > 0) {
    await db.insert(noticeAttempts).values(rows.map((r) => ({ noticeId: r.id, outcome: delivered ? ('delivered' as const) : ('failed' as const), attempt: r.attempts, detail: delivered ? null : (reason ?? 'not delivered') })));
  }
  return rows.length;
}

/**
 * Hands rows written but not yet dispatched to `start` (oldest first), and marks them
 * dispatched in the same transaction; rows another dispatcher holds are skipped.
 */
export async function dispatchBatch(db: Db, limit: number, start: (rows: { id: string; sendRound: number }[]) => Promise<void>): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: notificationOutbox.id, sendRound: notificationOutbox.sendRound })
      .from(notificationOutbox)
      .where(isNull(notificationOutbox.dispatchedAt))
      .orderBy(notificationOutbox.createdAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    await start(rows);
    await tx.update(notificationOutbox).set({ dispatchedAt: sql`now()` }).where(inArray(notificationOutbox.id, rows.map((r) => r.id)));
    return rows.length;
  });
}

/** A failed notice goes back to the queue for another delivery round (staff resend). */
export async function requeueNotice(db: Db, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db
    .update(notificationOutbox)
    .set({ state: 'queued', dispatchedAt: null, claimedBy: null, sendRound: sql`${notificationOutbox.sendRound} + 1`, updatedAt: sql`now()` })
    .where(and(eq(notificationOutbox.id, id), eq(notificationOutbox.state, 'failed')))
    .returning();
  if (row) await db.insert(noticeAttempts).values({ noticeId: id, outcome: 'requeued', attempt: row.attempts, detail: `send round ${row.sendRound}` });
  return row;
}

export interface OutboxFilter {
  state?: OutboxState;
  channel?: 'email' | 'sms';
  event?: string;
  tenantId?: string;
  reviewId?: string;
  before?: { createdAt: Date; id: string };
  limit: number;
}

export async function listNotices(db: Db, f: OutboxFilter): Promise<(OutboxRow & { tenantName: string | null })[]> {
  const where: SQL[] = [];
  if (f.state) where.push(eq(notificationOutbox.state, f.state));
  if (f.channel) where.push(eq(notificationOutbox.channel, f.channel));
  if (f.event) where.push(eq(notificationOutbox.event, f.event));
  if (f.tenantId) where.push(eq(notificationOutbox.tenantId, f.tenantId));
  if (f.reviewId) where.push(eq(notificationOutbox.reviewId, f.reviewId));
  if (f.before) where.push(sql`(${notificationOutbox.createdAt}, ${notificationOutbox.id}) < (${f.before.createdAt.toISOString()}::timestamptz, ${f.before.id}::uuid)`);
  const rows = await db
    .select({ notice: notificationOutbox, tenantName: tenants.name })
    .from(notificationOutbox)
    .leftJoin(tenants, eq(tenants.id, notificationOutbox.tenantId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(notificationOutbox.createdAt), desc(notificationOutbox.id))
    .limit(f.limit);
  return rows.map((r) => ({ ...r.notice, tenantName: r.tenantName }));
}
