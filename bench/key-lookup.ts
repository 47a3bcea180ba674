/**
 * What the tenant API's key lookup costs in Node, as the app runs it (`findApiKey`: a statement
 * prepared once per database handle) against the same query built by drizzle on every request
 * (sent unprepared: PostgreSQL parses and plans it, and the driver reads its row description, each
 * time). Three rounds of 10,000 lookups each way, after 2,000 to warm up, on an embedded PostgreSQL.
 * Not part of `npm run bench`'s table: it times one statement, which the engine has no counterpart of.
 *
 *   npx tsx bench/key-lookup.ts
 */
import { and, eq, isNull } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { startStack } from './support/stack.js';
import { ensureTenantWithKey, findApiKey, hashApiKey } from '../db/tenants.js';
import { apiKeys, tenants } from '../db/schema.js';
import type { Db } from '../db/client.js';
import { machine } from './support/measure.js';

const KEY = 'vrd_bench_key_lookup_0123456789';
const LOOKUPS = 10_000;

const builtEachTime = async (db: Db, key: string) => {
  const [row] = await db
    .select({ tenant: tenants, keyId: apiKeys.id })
    .from(apiKeys)
    .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row;
};

async function timed(fn: () => Promise<unknown>): Promise<{ cpuUs: number; wallUs: number }> {
  for (let i = 0; i < 2_000; i++) await fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < LOOKUPS; i++) await fn();
  const c = process.cpuUsage(c0);
  return { cpuUs: (c.user + c.system) / LOOKUPS, wallUs: ((performance.now() - t0) * 1000) / LOOKUPS };
}

const stack = await startStack();
try {
  const db = stack.db.db;
  await ensureTenantWithKey(db, 'bench key lookup tenant', KEY);
  process.stdout.write(`Machine: ${machine()}\n\n| round | built each time (µs of Node CPU / wall per lookup) | prepared once, as the app runs it |\n|---|---|---|\n`);
  for (let round = 1; round <= 3; round++) {
    const built = await timed(() => builtEachTime(db, KEY));
    const prepared = await timed(() => findApiKey(db, KEY));
    if (!(await findApiKey(db, KEY))) throw new Error('the prepared lookup did not find the key');
    process.stdout.write(`| ${round} | ${built.cpuUs.toFixed(0)} / ${built.wallUs.toFixed(0)} | ${prepared.cpuUs.toFixed(0)} / ${prepared.wallUs.toFixed(0)} |\n`);
  }
} finally {
  await stack.stop();
}
