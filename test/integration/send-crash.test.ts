import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { notificationOutbox } from '../../db/schema.js';
import { spawnWorkerProcess } from '../support/worker-process.js';
import { holdRowLock } from '../support/row-lock.js';
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
    const lock = holdRowLock(app.database.sql, 'notification_outbox', id);

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    const client = new Client({ connection, namespace: inject('temporalNamespace') });
    const handle = await client.workflow.start('deliverNoticesWorkflow', { taskQueue: app.taskQueue, workflowId: `notices-${id}-1`, args: [[id]] });

    await lock.blocked();
    child.kill('SIGKILL');
    await new Promise((r) => child?.once('exit', r));
    await lock.release();

    await app.startWorker();
    expect(await handle.result()).toEqual({ [id]: 'sent' });
    await connection.close();
    const messages = app.channels!.dev.mailbox!.messages().filter((m) => m.to.includes('once@example.com'));
    expect(messages).toHaveLength(1);
    const [final] = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id));
    expect(final?.state).toBe('sent');
  });
});
