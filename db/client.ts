import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  sql: postgres.Sql;
  close(): Promise<void>;
}

/**
 * Seconds before a connection is tried again after failures. postgres.js waits up to 20 s (3^n / 100,
 * shared by the pool), and a query made meanwhile waits with it: while the database restarts, a
 * request would hang that long before failing or going through. Capped at 1 s, a request during an
 * outage fails within about a second (a 503) and the first after it goes through.
 */
export const reconnectBackoff = (retries: number): number => Math.min(0.05 * 2 ** retries, 1);

export interface ConnectOptions {
  max?: number;
  /** Told the text of every statement sent, before it is sent: tests count what a request asks of the database. */
  onStatement?: (text: string) => void;
}

export function connectDatabase(url: string, opts: ConnectOptions = {}): Database {
  const onStatement = opts.onStatement;
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => undefined,
    connection: { application_name: 'voice-review-desk' },
    backoff: reconnectBackoff,
    // A server that does not answer at all (a host gone, packets dropped) is given 5 s, not 30.
    connect_timeout: 5,
    ...(onStatement ? { debug: (_connection: number, text: string) => onStatement(text) } : {}),
  });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

export async function pingDatabase(sql: postgres.Sql): Promise<void> {
  await sql`select 1`;
}
