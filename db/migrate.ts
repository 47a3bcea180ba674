import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ensureAppRole } from './app-role.js';
import { ensureDefaultCalendar } from './calendars.js';
import { connectDatabase } from './client.js';

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

/** Arbitrary but fixed: every process of this app takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 727_001;

/**
 * Runs `work` on one owner connection while holding a session advisory lock, so several web and
 * worker processes starting together migrate once and the others wait.
 */
async function withMigrationLock<T>(url: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      return await work(sql);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface PreparedDatabase {
  /** Where the web and worker processes connect: the restricted application role, never the owner. */
  appUrl: string;
}

/**
 * Migrations, the application role and its grants (as the owner at `url`), plus the reference data
 * every installation needs (the default working calendar). `appUrl` is an operator's own role
 * (DATABASE_APP_URL); without it a role is created and its URL returned.
 */
export async function prepareDatabase(url: string, opts: { appUrl?: string } = {}): Promise<PreparedDatabase> {
  const appUrl = await withMigrationLock(url, async (sql) => {
    await migrate(drizzle(sql), { migrationsFolder });
    return ensureAppRole(sql, url, opts.appUrl);
  });
  const database = connectDatabase(url, { max: 1 });
  try {
    await ensureDefaultCalendar(database.db);
  } finally {
    await database.close();
  }
  return { appUrl };
}
