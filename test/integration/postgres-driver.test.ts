import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';

/**
 * The PostgreSQL driver defers small writes to the next turn of the event loop. A connection whose
 * server side went away must turn a later query into a rejected promise, never into an exception
 * thrown from that deferred write, which no caller can catch and which ends the process.
 */
describe('the PostgreSQL driver when its connection is gone', () => {
  const admin = postgres(inject('postgresAdminUrl'), { max: 1, onnotice: () => undefined });
  const sql = postgres(inject('postgresAdminUrl'), { max: 1, onnotice: () => undefined });
  afterAll(async () => {
    await sql.end({ timeout: 1 });
    await admin.end({ timeout: 1 });
  });

  it('when the server ends a reserved connection and a query is then sent on it, then the query is rejected as CONNECTION_CLOSED and the process lives on', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const reserved = await sql.reserve();
      const [{ pid }] = (await reserved`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
      await admin`select pg_terminate_backend(${pid})`;
      await new Promise((resolve) => setTimeout(resolve, 300));

      const answer = await reserved`select 1 as one`.then(
        () => 'answered',
        (err: { code?: string }) => err.code ?? 'rejected',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(uncaught).toEqual([]);
      expect(answer).toBe('CONNECTION_CLOSED');
      reserved.release();
      expect([...(await sql`select 2 as two`)]).toEqual([{ two: 2 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
  it('when the server ends the connection in the middle of a transaction, then the transaction is rejected as CONNECTION_CLOSED and the pool serves the next query', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = await sql
        .begin(async (tx) => {
          const [{ pid }] = (await tx`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
          await admin`select pg_terminate_backend(${pid})`;
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx`select 1 as one`;
        })
        .then(
          () => 'committed',
          (err: { code?: string }) => err.code ?? 'rejected',
        );
      await new Promise((resolve) => setTimeout(resolve, 100));

      expect(uncaught).toEqual([]);
      expect(outcome).toBe('CONNECTION_CLOSED');
      // The pool has one connection: a dead one left parked as busy would make this wait forever.
      const next = await Promise.race([sql`select 3 as three`.then((rows) => [...rows]), new Promise((resolve) => setTimeout(() => resolve('no connection'), 5000))]);
      expect(next).toEqual([{ three: 3 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
