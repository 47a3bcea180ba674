import type postgres from 'postgres';
import { expect } from 'vitest';

/**
 * Holds a row lock in its own transaction, so a writer touching that row blocks: the way
 * crash tests catch a worker in the middle of its write. `blocked()` waits until a query
 * mentioning `table` is waiting on a lock; `release()` ends the transaction.
 */
export function holdRowLock(sql: postgres.Sql, table: 'reviews' | 'notification_outbox' | 'numbers', id: string | number) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const holder = sql.begin(async (tx) => {
    await tx`select id from ${tx(table)} where id = ${id} for update`;
    await released;
  });
  return {
    blocked: () =>
      expect
        .poll(async () => {
          const rows = await sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike ${`%${table}%`}`;
          return rows[0]?.n;
        }, { timeout: 60_000, interval: 200 })
        .toBeGreaterThan(0),
    release: async () => {
      release();
      await holder;
    },
  };
}
