import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, batchNumbers, notificationOutbox, numbers, reviewEvents, unsubscribeBatches } from '../../db/schema.js';
import { form } from '../support/files.js';
import { freshNumber, issuedNumbers, written, xlsxFile, type CellInput } from '../support/numbers.js';
import { holdRowLock } from '../support/row-lock.js';
import { addContact, startTestApp, type TestApp } from '../support/test-app.js';
import { spawnWorkerProcess } from '../support/worker-process.js';

let app: TestApp;
let child: ChildProcess | undefined;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await app?.stop();
});

describe('a worker killed in the middle of an unsubscribe batch', () => {
  it('when the worker is killed with SIGKILL mid-batch, then another worker resumes where it stopped and every number is accounted for exactly once', async () => {
    const tenant = await app.addTenant();
    await addContact(app, tenant.tenant.id, { name: '孙立', email: 'sun@example.com', mobile: '+8613300133000', subscriptions: ['number_order'] });
    const owned = await issuedNumbers(app, tenant.tenant.id, 3000);
    const unknown = Array.from({ length: 100 }, freshNumber);
    // Owned numbers with an unknown one after every 30th, and the first ten listed again at the end.
    const list: string[] = [];
    owned.forEach((n, i) => {
      list.push(i % 2 === 0 ? n : written(n));
      if (i % 30 === 29) list.push(unknown[(i - 29) / 30]!);
    });
    list.push(...owned.slice(0, 10));
    const rows: CellInput[][] = [['number'], ...list.map((n) => [n])];

    await app.worker.stop();
    child = await spawnWorkerProcess({ DATABASE_URL: app.databaseUrl, TEMPORAL_TASK_QUEUE: app.taskQueue });

    // One number in the middle is held: its chunk blocks inside its transaction after earlier chunks committed.
    const [held] = await app.database.db.select({ id: numbers.id }).from(numbers).where(eq(numbers.number, owned[1600]!));
    const lock = holdRowLock(app.database.sql, 'numbers', held!.id);
    const res = await app.api(tenant, 'POST', '/number-unsubscriptions', form({ note: '崩溃恢复' }, { file: { name: 'numbers.xlsx', content: await xlsxFile(rows) } }));
    expect(res.status).toBe(201);
    const batchId: string = res.body.subjectId;
    await lock.blocked();

    const [before] = await app.database.db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.id, batchId));
    expect(before!.processed).toBeGreaterThan(0);
    expect(before!.processed).toBeLessThan(list.length);
    const releasedBefore = await app.database.db.select({ number: numbers.number, releasedAt: numbers.releasedAt }).from(numbers).where(eq(numbers.releasedByBatch, batchId));
    expect(releasedBefore.length).toBeGreaterThan(0);

    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await lock.release();
    await app.startWorker();

    await expect.poll(async () => (await app.api(tenant, 'GET', `/number-unsubscriptions/${batchId}`)).body.status, { timeout: 90_000, interval: 500 }).toBe('partially_succeeded');
    const view = (await app.api(tenant, 'GET', `/number-unsubscriptions/${batchId}`)).body;
    expect(view.counts).toEqual({ total: list.length, released: 3000, failed: 110 });

    const outcomes = await app.database.db.select().from(batchNumbers).where(eq(batchNumbers.batchId, batchId));
    expect(outcomes).toHaveLength(list.length);
    expect(outcomes.filter((o) => o.outcome === 'pending')).toEqual([]);
    expect(new Set(outcomes.map((o) => o.position)).size).toBe(list.length);
    expect(outcomes.filter((o) => o.reason === 'not_found')).toHaveLength(100);
    expect(outcomes.filter((o) => o.reason === 'duplicate_in_batch')).toHaveLength(10);

    const released = await app.database.db.select().from(numbers).where(inArray(numbers.number, owned));
    expect(released.every((n) => n.status === 'released' && n.releasedByBatch === batchId)).toBe(true);
    // Numbers released before the kill were not released again.
    const at = new Map(released.map((n) => [n.number, n.releasedAt?.toISOString()]));
    for (const r of releasedBefore) expect(at.get(r.number)).toBe(r.releasedAt?.toISOString());

    const [finished] = await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, res.body.id), eq(reviewEvents.type, 'batch_finished')));
    expect(finished?.data).toMatchObject({ total: list.length, released: 3000, failed: 110 });
    expect(await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'numbers.release'), eq(auditLog.objectId, batchId)))).toHaveLength(1);
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, res.body.id));
    expect(notices.map((n) => n.channel).sort()).toEqual(['email', 'sms']);
  });
});
