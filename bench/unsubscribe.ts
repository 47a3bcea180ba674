/**
 * Unsubscribe benchmark: a 10,000-number batch from upload to its final state, then the same
 * with the worker killed (SIGKILL) in the middle of the batch and another one started.
 *
 *   npx tsx bench/unsubscribe.ts          (embedded PostgreSQL + Temporal dev server in a temp folder)
 *   NUMBERS=5000 npx tsx bench/unsubscribe.ts
 *
 * "Final" means GET /number-unsubscriptions/{id} no longer says `checking` (polled every 100 ms).
 * Both runs check afterwards that every number was settled exactly once: each listed number has
 * one outcome, each owned number is released by this batch, the counts add up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { connectDatabase, type Database } from '../db/client.js';
import { batchNumbers, numbers, unsubscribeBatches } from '../db/schema.js';
import { ensureTenantWithKey } from '../db/tenants.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { startPlatform, type Platform } from '../runtime/platform.js';
import { startWeb } from '../runtime/web.js';
import { startWorker } from '../runtime/worker.js';
import { scriptCommand } from '../runtime/script-command.js';

const COUNT = Number(process.env.NUMBERS ?? 10_000);
const TASK_QUEUE = 'bench-unsubscribe';

interface Run {
  label: string;
  uploadMs: number;
  finalMs: number;
  status: string;
  counts: { total: number; released: number; failed: number };
  note: string;
}

async function measure(): Promise<Run[]> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-bench-'));
  await fs.chmod(dataDir, 0o755);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false', TEMPORAL_TASK_QUEUE: TASK_QUEUE });
  const log = createLogger('warn', 'bench');
  const platform = await startPlatform(config, {}, log);
  try {
    return await run(platform);
  } finally {
    await platform.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** The runs as rows (for `npm run bench`'s table). */
export async function unsubscribeFigures(): Promise<{ figure: string; value: string; note: string }[]> {
  return (await measure()).map((r) => ({
    figure: r.label,
    value: `upload → 201 ${(r.uploadMs / 1000).toFixed(2)} s, → final ${(r.finalMs / 1000).toFixed(2)} s`,
    note: `${r.status}, ${r.counts.released} released, ${r.counts.failed} failed; ${r.note}; goal final < 30 s`,
  }));
}

async function main(): Promise<void> {
  const runs = await measure();
  process.stdout.write(`\nmachine: ${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\n`);
  process.stdout.write('| run | upload → 201 | upload → final state | final state | checked |\n|---|---|---|---|---|\n');
  for (const r of runs) {
    process.stdout.write(`| ${r.label} | ${(r.uploadMs / 1000).toFixed(2)} s | ${(r.finalMs / 1000).toFixed(2)} s | ${r.status} (${r.counts.released} released, ${r.counts.failed} failed) | ${r.note} |\n`);
  }
}

/** A tenant holding `COUNT` active numbers, and the .xlsx that lists them all. */
async function tenantWithNumbers(db: Database, name: string): Promise<{ apiKey: string; file: Buffer; owned: string[] }> {
  const apiKey = `vrd_bench_${name}_${randomInt(1e9)}`.padEnd(40, '0');
  const tenant = await ensureTenantWithKey(db.db, `bench ${name}`, apiKey);
  const owned = new Set<string>();
  while (owned.size < COUNT) owned.add(`+8610${randomInt(10_000_000, 99_999_999)}`);
  const list = [...owned];
  for (let i = 0; i < list.length; i += 2000) {
    await db.db.insert(numbers).values(list.slice(i, i + 2000).map((number) => ({ number, tenantId: tenant.id, orderId: 'NOBENCH000000000000', city: '北京', rentFrom: '2026-01-01', issuedAt: new Date(), issueKey: `bench-${name}` })));
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('numbers');
  ws.addRow(['号码']);
  for (const n of list) ws.addRow([`0${n.slice(3, 5)}-${n.slice(5)}`]);
  return { apiKey, file: Buffer.from(await wb.xlsx.writeBuffer()), owned: list };
}

async function upload(url: string, apiKey: string, file: Buffer): Promise<{ subjectId: string; id: string }> {
  const body = new FormData();
  body.append('note', 'benchmark');
  body.append('file', new Blob([new Uint8Array(file)]), 'numbers.xlsx');
  const res = await fetch(`${url}/api/v1/number-unsubscriptions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body });
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { subjectId: string; id: string };
}

async function waitFinal(url: string, apiKey: string, subjectId: string, timeoutMs = 300_000): Promise<{ status: string; counts: Run['counts'] }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/api/v1/number-unsubscriptions/${subjectId}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const view = (await res.json()) as { status: string; counts: Run['counts'] };
    if (view.status !== 'checking') return view;
    if (Date.now() > until) throw new Error(`batch ${subjectId} still checking after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every listed number settled once, every owned number released by this batch. */
async function verify(db: Database, batchId: string, owned: string[]): Promise<string> {
  const [pending] = await db.db.select({ n: sql<number>`count(*)::int` }).from(batchNumbers).where(and(eq(batchNumbers.batchId, batchId), eq(batchNumbers.outcome, 'pending')));
  const [rows] = await db.db.select({ n: sql<number>`count(*)::int` }).from(batchNumbers).where(eq(batchNumbers.batchId, batchId));
  const [released] = await db.db.select({ n: sql<number>`count(*)::int` }).from(numbers).where(and(eq(numbers.releasedByBatch, batchId), eq(numbers.status, 'released')));
  const [batch] = await db.db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.id, batchId));
  const ok = Number(pending?.n) === 0 && Number(rows?.n) === owned.length && Number(released?.n) === owned.length && batch?.released === owned.length && batch.processed === owned.length;
  if (!ok) throw new Error(`batch ${batchId} not settled exactly once: pending ${pending?.n}, rows ${rows?.n}, released ${released?.n}, batch ${JSON.stringify(batch)}`);
  return 'every number settled once';
}

/** `npm run worker` as its own process, so it can be killed with SIGKILL. */
async function spawnWorker(platform: Platform): Promise<ChildProcess> {
  const { command, args, cwd } = scriptCommand('worker');
  const proc = spawn(command, args, {
    cwd,
    env: { ...process.env, DATABASE_URL: platform.databaseUrl, TEMPORAL_ADDRESS: platform.temporal.address, TEMPORAL_NAMESPACE: platform.temporal.namespace, TEMPORAL_TASK_QUEUE: TASK_QUEUE, LOG_LEVEL: 'info', DEMO_DATA: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker running')) resolve();
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
  return proc;
}

async function run(platform: Platform): Promise<Run[]> {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false', TEMPORAL_TASK_QUEUE: TASK_QUEUE });
  const log = createLogger('warn', 'bench');
  const web = await startWeb(config, platform.appDatabaseUrl, platform.temporal, log);
  const db = connectDatabase(platform.databaseUrl, { max: 2 });
  const runs: Run[] = [];
  try {
    // 1. One worker in this process, nothing in the way.
    const worker = await startWorker(config, platform.appDatabaseUrl, platform.temporal, log);
    const plain = await tenantWithNumbers(db, 'plain');
    let t0 = performance.now();
    let batch = await upload(web.url, plain.apiKey, plain.file);
    let t1 = performance.now();
    let view = await waitFinal(web.url, plain.apiKey, batch.subjectId);
    let t2 = performance.now();
    runs.push({ label: `${COUNT} numbers, one worker`, uploadMs: t1 - t0, finalMs: t2 - t0, ...view, note: await verify(db, batch.subjectId, plain.owned) });
    await worker.stop();

    // 2. A worker process killed with SIGKILL once a third of the batch is settled; another takes over.
    const killed = await tenantWithNumbers(db, 'killed');
    let first = await spawnWorker(platform);
    t0 = performance.now();
    batch = await upload(web.url, killed.apiKey, killed.file);
    t1 = performance.now();
    let killedAt = 0;
    for (;;) {
      const [b] = await db.db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.id, batch.subjectId));
      if (b && b.processed >= COUNT / 3) {
        first.kill('SIGKILL');
        killedAt = performance.now() - t0;
        await new Promise((r) => first.once('exit', r));
        process.stdout.write(`killed the worker at ${b.processed} of ${COUNT} settled, ${(killedAt / 1000).toFixed(1)} s after the upload\n`);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    first = await spawnWorker(platform);
    const restartedAt = performance.now() - t0;
    view = await waitFinal(web.url, killed.apiKey, batch.subjectId);
    t2 = performance.now();
    runs.push({
      label: `${COUNT} numbers, worker SIGKILLed at ${(killedAt / 1000).toFixed(1)} s, another ready at ${(restartedAt / 1000).toFixed(1)} s`,
      uploadMs: t1 - t0,
      finalMs: t2 - t0,
      ...view,
      note: await verify(db, batch.subjectId, killed.owned),
    });
    first.kill('SIGTERM');
    await new Promise((r) => first.once('exit', r));
  } finally {
    await web.stop();
    await db.close();
  }
  return runs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
