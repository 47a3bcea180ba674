import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { ensureDefaultCalendar } from './calendars.js';
import { connectDatabase } from './client.js';

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

/** Arbitrary but fixed: every process of this app takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 727_001;

/**
 * Applies pending migrations while holding a session advisory lock, so several web and
 * worker processes starting together migrate once and the others wait.
 */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Migrations plus the reference data every installation needs (the default working calendar). */
export async function prepareDatabase(url: string): Promise<void> {
  await runMigrations(url);
  const database = connectDatabase(url, { max: 1 });
  try {
    await ensureDefaultCalendar(database.db);
  } finally {
    await database.close();
  }
}
