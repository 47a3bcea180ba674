import { Client, Connection } from '@temporalio/client';
import { inject } from 'vitest';
import { recomputeWorkflowId } from '../../temporal/recompute-client.js';

/** Ends the deadline recompute a saved change started: it waits for more requests, on this file's task queue only. */
export async function endRecompute(taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  await new Client({ connection, namespace: inject('temporalNamespace') }).workflow.getHandle(recomputeWorkflowId(taskQueue)).terminate('test over').catch(() => undefined);
  await connection.close();
}
