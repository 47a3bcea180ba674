import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSearchAttributes, SEARCH_ATTRIBUTES, startDevServer, type DevServer } from '../../scripts/temporal/dev-server.js';

/** True while a process with this pid exists (and is not a zombie we have not reaped). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function customSearchAttributes(address: string, namespace: string): Promise<Record<string, unknown>> {
  const connection = await Connection.connect({ address });
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    return response.customAttributes;
  } finally {
    await connection.close();
  }
}

describe('Temporal dev server (scripts/temporal/dev-server.ts)', () => {
  let server: DevServer | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-dev-server-'));
    // A cold cache builds the Temporal CLI with Go first: give it minutes.
    server = await startDevServer({ namespace: 'dev-server-test', dbFile: path.join(dir, 'temporal.sqlite'), log: () => undefined });
  }, 15 * 60_000);

  afterAll(async () => {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('when the dev server is started, then a client connects to its namespace', async () => {
    if (!server) throw new Error('no server');
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const connection = await Connection.connect({ address: server.address });
    try {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: server.namespace });
      expect(namespaceInfo?.name).toBe('dev-server-test');
    } finally {
      await connection.close();
    }
  });

  it('when the dev server is started, then the custom search attributes exist as keywords', async () => {
    if (!server) throw new Error('no server');
    const custom = await customSearchAttributes(server.address, server.namespace);
    for (const key of SEARCH_ATTRIBUTES) {
      expect(custom[key.name], key.name).toBe(2); // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
    }
  });

  it('when ensureSearchAttributes runs on a namespace that lacks them, then it adds them, and a second run changes nothing', async () => {
    if (!server) throw new Error('no server');
    const connection = await Connection.connect({ address: server.address });
    try {
      // The search attribute flags register in the namespaces created at start; a namespace made
      // later has none of them.
      const namespace = 'registered-later';
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      for (let i = 0; i < 50; i++) {
        try {
          await connection.workflowService.describeNamespace({ namespace });
          break;
        } catch {
          await delay(100);
        }
      }
      const before = await customSearchAttributes(server.address, namespace);
      for (const key of SEARCH_ATTRIBUTES) expect(before[key.name], key.name).toBeUndefined();
      await ensureSearchAttributes(connection, namespace);
      await ensureSearchAttributes(connection, namespace);
      const custom = await customSearchAttributes(server.address, namespace);
      for (const key of SEARCH_ATTRIBUTES) expect(custom[key.name], key.name).toBe(2);
    } finally {
      await connection.close();
    }
  });

  it('when stop() is called, then the server process is gone and a second stop() is harmless', async () => {
    if (!server) throw new Error('no server');
    const { pid } = server;
    expect(processExists(pid)).toBe(true);
    await server.stop();
    expect(processExists(pid)).toBe(false);
    await server.stop();
  });

  it('when a server is restarted on the same SQLite file, then it starts again with the search attributes', async () => {
    const again = await startDevServer({ namespace: 'dev-server-test', dbFile: path.join(dir, 'temporal.sqlite'), log: () => undefined });
    try {
      const custom = await customSearchAttributes(again.address, again.namespace);
      for (const key of SEARCH_ATTRIBUTES) expect(custom[key.name], key.name).toBe(2);
    } finally {
      await again.stop();
    }
    expect(processExists(again.pid)).toBe(false);
  });
});
