/**
 * Intake benchmark: submits voice templates through the tenant API at increasing offered
 * rates and prints the sustained rate and latency percentiles, then times the back-office
 * queue query against the open reviews it created.
 *
 *   npx tsx bench/intake.ts            (embedded Postgres + Temporal dev server in a temp folder)
 *   RATES=10,20,40 SECONDS=10 npx tsx bench/intake.ts
 *
 * Against a deployment that is already running (e.g. `npm run cluster`), with a tenant key it knows:
 *   BENCH_URL=http://127.0.0.1:3000 BENCH_API_KEY=vrd_… [BENCH_DATABASE_URL=postgres://…] npx tsx bench/intake.ts
 * BENCH_DATABASE_URL (the app's database) adds the queue-page timing; without it that part is skipped.
 *
 * "Visible" means: the 201 has arrived (the row is committed before it is sent) and an
 * immediate GET /api/v1/reviews/{id} finds the review.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectDatabase, type Database } from '../db/client.js';
import { listQueue } from '../db/queue.js';
import { ensureTenantWithKey } from '../db/tenants.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { startPlatform, type Platform } from '../runtime/platform.js';
import { startWeb } from '../runtime/web.js';
import { startWorker } from '../runtime/worker.js';

const rates = (process.env.RATES ?? '5,10,20,40,80').split(',').map(Number);
const seconds = Number(process.env.SECONDS ?? 10);

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Settings for a run against a running deployment, or undefined for the embedded one. */
function externalTarget(): { url: string; apiKey: string; databaseUrl: string | undefined } | undefined {
  const url = process.env.BENCH_URL;
  const apiKey = process.env.BENCH_API_KEY;
  if (!url && !apiKey) return undefined;
  if (!url || !apiKey) throw new Error('BENCH_URL and BENCH_API_KEY must be set together (the URL of a running deployment and a tenant API key it knows)');
  if (!/^https?:\/\//.test(url)) throw new Error(`BENCH_URL must be an http:// or https:// URL, got ${url}`);
  return { url: url.replace(/\/+$/, ''), apiKey, databaseUrl: process.env.BENCH_DATABASE_URL || undefined };
}

async function main(): Promise<void> {
  const external = externalTarget();
  if (external) {
    const db = external.databaseUrl ? connectDatabase(external.databaseUrl, { max: 2 }) : undefined;
    try {
      await measure(external.url, external.apiKey, db, `against ${external.url} (a running deployment)`);
    } finally {
      await db?.close();
    }
    return;
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-bench-'));
  await fs.chmod(dataDir, 0o755);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false' });
  const log = createLogger('warn', 'bench');
  const platform = await startPlatform(config, {}, log);
  try {
    await run(platform);
  } finally {
    await platform.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function run(platform: Platform): Promise<void> {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false' });
  const log = createLogger('warn', 'bench');
  const worker = await startWorker(config, platform.appDatabaseUrl, platform.temporal, log);
  const web = await startWeb(config, platform.appDatabaseUrl, platform.temporal, log);
  const db = connectDatabase(platform.databaseUrl, { max: 2 });
  try {
    const apiKey = 'vrd_bench_key_000000000000000000000';
    await ensureTenantWithKey(db.db, 'bench tenant', apiKey);
    await measure(web.url, apiKey, db, 'one web process + one worker, embedded Postgres + Temporal dev server (SQLite)');
  } finally {
    await db.close();
    await web.stop();
    await worker.stop();
  }
}

async function measure(url: string, apiKey: string, db: Database | undefined, target: string): Promise<void> {
  const submitOne = async (i: number): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/voice-templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench_${i}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前到${TXT_8}取件', scenario: 'bench' }),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const seen = await fetch(`${url}/api/v1/reviews/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
    if (seen.status !== 200) throw new Error(`review ${id} not visible: ${seen.status}`);
    await seen.arrayBuffer();
    return performance.now() - t0;
  };

  // Warm-up: bundle caches, connection pools, JIT.
  for (let i = 0; i < 20; i++) await submitOne(1_000_000 + i);

  const rows: string[] = [];
  let n = 0;
  for (const rate of rates) {
    const latencies: number[] = [];
    const inflight: Promise<void>[] = [];
    let failures = 0;
    const start = performance.now();
    const total = rate * seconds;
    for (let k = 0; k < total; k++) {
      const due = start + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(submitOne(n++).then((ms) => void latencies.push(ms), () => void failures++));
    }
    await Promise.all(inflight);
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    rows.push(
      `| ${rate} | ${(latencies.length / elapsed).toFixed(1)} | ${pct(latencies, 50).toFixed(0)} | ${pct(latencies, 95).toFixed(0)} | ${pct(latencies, 99).toFixed(0)} | ${failures} |`,
    );
    process.stdout.write(`offered ${rate}/s: ${latencies.length} ok, ${failures} failed, p95 ${pct(latencies, 95).toFixed(0)} ms\n`);
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  process.stdout.write(`\nMachine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
  process.stdout.write(`Submit → visible (201 + GET), ${seconds} s per step, ${target}\n\n`);
  process.stdout.write('| offered/s | sustained/s | p50 ms | p95 ms | p99 ms | failed |\n|---|---|---|---|---|---|\n');
  process.stdout.write(rows.join('\n') + '\n');
  if (!db) {
    process.stdout.write('\nQueue page: skipped (set BENCH_DATABASE_URL to time it)\n');
    return;
  }
  const queueTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    await listQueue(db.db, { kind: 'voice_template', limit: 50 });
    queueTimes.push(performance.now() - t0);
  }
  queueTimes.sort((a, b) => a - b);
  const [{ open }] = (await db.sql`select count(*)::int as open from reviews where status = 'pending'`) as unknown as [{ open: number }];
  process.stdout.write(`\nQueue page (50 rows) with ${open} open reviews: p50 ${pct(queueTimes, 50).toFixed(1)} ms, p95 ${pct(queueTimes, 95).toFixed(1)} ms\n`);

}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
