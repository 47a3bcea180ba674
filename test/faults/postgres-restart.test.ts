import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { reviewEvents, reviews } from '../../db/schema.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../runtime/embedded-postgres.js';
import { createLogger } from '../../runtime/logger.js';
import { BackOfficeSession } from '../support/back-office.js';
import { isErrorShape, sleep, timedApi, type TimedAnswer } from '../support/faults.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

/**
 * PostgreSQL stopped and started again under a steady stream of submissions. This file has its
 * own server (the run's shared one serves the other files), on the same port after the restart.
 */
let dir: string;
let pg: EmbeddedDatabase;
let app: TestApp;
const log = createLogger('warn', 'fault-postgres');

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-fault-pg-'));
  await fs.chmod(dir, 0o755);
  pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), database: 'postgres', log });
  app = await startTestApp({ postgresAdminUrl: pg.url, captureLogs: true, env: { SWEEP_INTERVAL_MS: '1000' } });
});

afterAll(async () => {
  await app?.stop();
  await pg?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/**
 * The longest a request may take while the database is away: a connection attempt the server never
 * answers is given up after 5 s (db/client.ts), plus at most 1 s of reconnect backoff.
 */
const SLOW_MS = 7000;

describe('PostgreSQL restarted under load', () => {
  it('when PostgreSQL stops and starts again during submissions, then the API answers 503 database_unavailable at once, no 201 is lost and work resumes by itself', async () => {
    const tenant = await app.addTenant();
    const member = await app.addStaff('supervisor');
    const staff = new BackOfficeSession(app.url);
    await staff.login(member.email, member.password);

    // Two tenants' consoles submitting without pause, each submission with its own Idempotency-Key.
    const answers: (TimedAnswer & { key: string })[] = [];
    let running = true;
    let n = 0;
    const submitter = async () => {
      while (running) {
        const key = `pg_fault_${n++}`;
        answers.push({ key, ...(await timedApi(app, tenant, 'POST', '/voice-templates', validTemplate({ name: `重启测试_${key}` }), { 'idempotency-key': key })) });
        await sleep(40);
      }
    };
    const load = Promise.all([submitter(), submitter()]);
    const okSince = (t: number) => answers.filter((a) => a.sentAt >= t && a.status === 201).length;
    const answeredSince = (t: number) => answers.filter((a) => a.sentAt >= t).length;

    await expect.poll(() => okSince(0), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(10);
    const port = Number(new URL(pg.url).port);
    const stoppingAt = Date.now();
    await pg.stop();
    const downAt = Date.now();

    await expect.poll(() => answeredSince(downAt), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(6);
    const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(SLOW_MS) });
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'degraded', postgres: 'down', temporal: 'up' });
    const read = await timedApi(app, tenant, 'GET', `/reviews/${answers.find((a) => a.status === 201)!.body.id}`);
    expect(read.status).toBe(503);
    expect(isErrorShape(read.body, 'database_unavailable')).toBe(true);
    expect(read.headers.get('retry-after')).toBe('5');
    const page = await staff.get('/queue');
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(page.html).toContain('数据库暂时不可用');

    // Down for 4 s at least: every request meanwhile finds nobody listening, and the driver's
    // reconnect backoff (which grows to 20 s unless capped) would have grown past the 5 s allowed.
    await sleep(Math.max(0, 4000 - (Date.now() - downAt)));
    pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), database: 'postgres', log, port });
    const upAt = Date.now();
    await expect.poll(() => okSince(upAt), { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(10);
    running = false;
    await load;

    // Every answer was a 201 or a clear 503, and none kept its caller waiting.
    const unexpected = answers.filter((a) => a.status !== 201 && !(a.status === 503 && isErrorShape(a.body, 'database_unavailable') && a.headers.get('retry-after') === '5'));
    expect(unexpected.map((a) => `${a.key}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`)).toEqual([]);
    const when = (t: number) => `${t - stoppingAt} ms after the stop began (stopped at +${downAt - stoppingAt}, up at +${upAt - stoppingAt})`;
    expect(answers.filter((a) => a.ms > SLOW_MS).map((a) => `${a.key}: ${a.status} in ${a.ms} ms, sent ${when(a.sentAt)}`)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    // Once it is back, submissions go through again by themselves (the last ones all did).
    expect(answers.slice(-6).map((a) => a.status)).toEqual(Array(6).fill(201));

    // A tenant retrying what was refused, with the same key, gets one review per key.
    for (const a of refused) {
      const again = await timedApi(app, tenant, 'POST', '/voice-templates', validTemplate({ name: `重启测试_${a.key}` }), { 'idempotency-key': a.key });
      expect(again.status).toBe(201);
      a.body = again.body;
    }
    const ids = answers.map((a) => a.body.id as string);
    expect(new Set(ids).size).toBe(answers.length);
    const stored = await app.database.db.select({ id: reviews.id }).from(reviews).where(eq(reviews.tenantId, tenant.tenant.id));
    expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());

    // Every review's lifecycle runs: started (by the request, or by the sweeper when that was cut off) and pre-checked.
    await expect
      .poll(
        async () => {
          const started = await app.database.sql`select count(*)::int as n from reviews where tenant_id = ${tenant.tenant.id} and workflow_started_at is not null`;
          const checked = await app.database.db.select({ id: reviewEvents.reviewId }).from(reviewEvents).where(and(inArray(reviewEvents.reviewId, ids), eq(reviewEvents.type, 'precheck_passed')));
          return { started: started[0]!.n as number, checked: new Set(checked.map((c) => c.id)).size };
        },
        { timeout: 60_000, interval: 500 },
      )
      .toEqual({ started: ids.length, checked: ids.length });
    const swept = app.logLines.filter((l) => l.includes('started a round whose workflow start was lost')).length;
    console.log(
      `postgres restart: ${answers.length} submissions, ${answers.length - refused.length} answered 201, ${refused.length} answered 503 (slowest ${Math.max(...answers.map((a) => a.ms))} ms), ` +
        `stopped for ${upAt - stoppingAt} ms, ${swept} lifecycles started by the sweeper`,
    );
  });
});
