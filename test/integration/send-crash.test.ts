import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { notificationOutbox } from '../../db/schema.js';
import { spawnWorkerProcess } from '../support/worker-process.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let child: ChildProcess | undefined;

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await app?.stop();
});

describe('worker killed while sending', () => {
  it('when the worker is killed with SIGKILL while a notice is being sent, then after a restart exactly one message arrives', async () => {
    const tenant = await app.addTenant();
    // Written as already dispatched, so only the delivery started below sends it.
    const [row] = await app.database.db
      .insert(notificationOutbox)
      .values({
        event: 'manual',
        channel: 'email',
        recipient: 'once@example.com',
        tenantId: tenant.tenant.id,
        language: 'zh-CN',
        subject: '只发一次',
        body: '这封邮件只应到达一次',
        dedupeKey: `crash-test-${Date.now()}`,
        dispatchedAt: new Date(),
      })
      .returning();
    const id = row!.id;

    await app.worker.stop();
    const { smtpUrl, sms } = app.channels!;
    child = await spawnWorkerProcess({
      DATABASE_URL: app.databaseUrl,
      TEMPORAL_TASK_QUEUE: app.taskQueue,
      SMTP_URL: smtpUrl,
      SMS_GATEWAY_URL: sms.url,
      SMS_APP_KEY: sms.appKey,
      SMS_APP_SECRET: sms.appSecret,
      SMS_CALLBACK_URL: `${app.url}/callbacks/sms-status`,
    });

    // Hold the row: the delivery activity blocks while claiming it, so the send is in flight.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const holder = app.database.sql.begin(async (tx) => {
      await tx`select id from notification_outbox where id = ${id} for update`;
      await released;
    });

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection, namespace: inject('temporalNamespace') });
    const handle = await client.workflow.start('deliverNoticesWorkflow', { taskQueue: app.taskQueue, workflowId: `notices-${id}-1`, args: [[id]] });

    await expect
      .poll(async () => {
        const rows = await app.database.sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%notification_outbox%'`;
        return rows[0]?.n;
      }, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    release();
    await holder;

    await app.startWorker();
    expect(await handle.result()).toEqual({ [id]: 'sent' });
    await connection.close();
    const messages = app.channels!.dev.mailbox!.messages().filter((m) => m.to.includes('once@example.com'));
    expect(messages).toHaveLength(1);
    const [final] = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id));
    expect(final?.state).toBe('sent');
  });
});
