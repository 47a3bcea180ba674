import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { appSettings } from './schema.js';
import type { Db } from './client.js';

/** Returns the stored value for `key`, creating it from `make()` once; concurrent callers agree. */
export async function getOrCreateSetting(db: Db, key: string, make: () => string): Promise<string> {
  await db.insert(appSettings).values({ key, value: make() }).onConflictDoNothing({ target: appSettings.key });
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, key));
  if (!row) throw new Error(`setting ${key} missing`);
  return row.value;
}

export const randomSecret = () => randomBytes(32).toString('base64url');
