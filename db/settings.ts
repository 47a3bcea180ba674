import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { appSettings } from './schema.js';
import type { Db, Tx } from './client.js';

/** Returns the stored value for `key`, creating it from `make()` once; concurrent callers agree. */
export async function getOrCreateSetting(db: Db, key: string, make: () => string): Promise<string> {
  await db.insert(appSettings).values({ key, value: make() }).onConflictDoNothing({ target: appSettings.key });
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, key));
  if (!row) throw new Error(`setting ${key} missing`);
  return row.value;
}

export const randomSecret = () => randomBytes(32).toString('base64url');

/** Sets a shared setting (the last writer wins: every web process of a deployment writes the same). */
export async function putSetting(db: Db | Tx, key: string, value: string): Promise<void> {
  await db.insert(appSettings).values({ key, value }).onConflictDoUpdate({ target: appSettings.key, set: { value } });
}

export async function readSetting(db: Db | Tx, key: string): Promise<string | undefined> {
  const [row] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, key));
  return row?.value;
}

/** Where people open the back office: links in notices are made absolute with it. */
export const PUBLIC_URL_SETTING = 'public_url';
