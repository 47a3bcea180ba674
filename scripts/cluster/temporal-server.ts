/**
 * Starts the self-hosted Temporal server (all four services in one process) from its written
 * configuration, waits until the frontend answers, then makes sure the app's namespace and its
 * custom search attributes exist and are usable before any worker or web process connects.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ensureSearchAttributes, SEARCH_ATTRIBUTES } from '../temporal/dev-server.js';
import { DB_PASSWORD_ENV } from './config.js';
import { spawnManaged, waitUntil, type Managed } from './processes.js';

export interface TemporalServer {
  managed: Managed;
  address: string;
  namespace: string;
}

const GRPC_ALREADY_EXISTS = 6;
/** Closed workflows are kept this long (visible in history and listings) before deletion. */
const RETENTION_DAYS = 7;

export async function startTemporalServer(opts: {
  binary: string;
  configFile: string;
  dbPassword: string;
  address: string;
  namespace: string;
  logDir: string;
  echo: (line: string) => void;
  log: (msg: string) => void;
}): Promise<TemporalServer> {
  const started = Date.now();
  const managed = spawnManaged({
    name: 'temporal',
    command: opts.binary,
    args: ['--config-file', opts.configFile, '--allow-no-auth', 'start'],
    env: { ...process.env, [DB_PASSWORD_ENV]: opts.dbPassword },
    logDir: opts.logDir,
    echo: opts.echo,
  });
  try {
    await waitUntil(managed, 'gRPC frontend', 120_000, async () => {
      const connection = await Connection.connect({ address: opts.address, connectTimeout: 2000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    });
    opts.log(`Temporal server answering on ${opts.address} after ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${managed.pid}).`);
    await ensureNamespace(managed, opts.address, opts.namespace, opts.log);
  } catch (err) {
    await managed.stop();
    throw err;
  }
  return { managed, address: opts.address, namespace: opts.namespace };
}

async function ensureNamespace(managed: Managed, address: string, namespace: string, log: (msg: string) => void): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'Voice Review Desk',
        workflowExecutionRetentionPeriod: msToTs(`${RETENTION_DAYS} days`),
      });
      log(`Registered namespace ${namespace} (retention ${RETENTION_DAYS} days).`);
    } catch (err) {
      if ((err as { code?: unknown }).code !== GRPC_ALREADY_EXISTS) throw err;
    }
    // The frontend learns about a new namespace on its next cache refresh (about 2 s).
    await waitUntil(managed, `namespace ${namespace}`, 60_000, async () => {
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    });
    await ensureSearchAttributes(connection, namespace);
    // On SQL visibility the attributes are aliases stored with the namespace: usable once the
    // frontend's namespace cache has them, which a query naming all of them proves.
    const query = SEARCH_ATTRIBUTES.map((a) => `${a.name} = 'probe'`).join(' AND ');
    await waitUntil(managed, `search attributes ${SEARCH_ATTRIBUTES.map((a) => a.name).join(', ')}`, 60_000, async () => {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return true;
    });
  } finally {
    await connection.close();
  }
}
