/**
 * Starts a local Temporal dev server (`temporal server start-dev` from the Temporal CLI) on free
 * ports, with the project's custom search attributes, and stops it again. The child runs in its
 * own process group and never outlives this process (runtime/child-process.ts says how).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { OutputTail, supervise } from '../../runtime/child-process.js';
import { findTemporalCli, type Log } from './binaries.js';
import { freePorts } from './net.js';

/** Custom search attributes every Temporal namespace of this project needs. */
export const SEARCH_ATTRIBUTES = [
  defineSearchAttributeKey('ReviewKind', SearchAttributeType.KEYWORD),
  defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD),
  defineSearchAttributeKey('ReviewId', SearchAttributeType.KEYWORD),
] as const;

/** The CLI's spelling of each type for `--search-attribute NAME=Type`. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface DevServerOptions {
  /** SQLite file for persistent state; in-memory when omitted. */
  dbFile?: string;
  /** Namespace to create (default "default", which always exists). */
  namespace?: string;
  log?: Log;
  /** How long to wait for the server to answer (default 60 s). */
  startTimeoutMs?: number;
  /** The frontend's port, e.g. to start again where clients already connect (default: a free one). */
  port?: number;
}

export interface DevServer {
  /** host:port of the frontend gRPC service. */
  address: string;
  namespace: string;
  /** Process id of the `temporal` child. */
  pid: number;
  /** host:port where the server serves its own Prometheus metrics (`/metrics`). */
  metricsAddress: string;
  /** SIGTERM, wait for exit, SIGKILL after 10 s. Idempotent; safe to pass around unbound. */
  stop(): Promise<void>;
  /** Resolves (with how it ended) only if the server exits without stop() having been called. */
  died: Promise<string>;
}

const STOP_GRACE_MS = 10_000;

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const log = opts.log ?? ((m: string) => console.error(`[temporal] ${m}`));
  const namespace = opts.namespace ?? 'default';
  const cli = await findTemporalCli(log);
  if (opts.dbFile) await fs.mkdir(path.dirname(path.resolve(opts.dbFile)), { recursive: true });

  // A port found free can be taken by someone else before the server binds it: retry then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(cli, namespace, opts, log);
    } catch (err) {
      if (attempt < 3 && err instanceof PortInUseError) {
        log(`Port clash (${err.message}); retrying with other ports.`);
        continue;
      }
      throw err;
    }
  }
}

class PortInUseError extends Error {}

async function startOnce(cli: string, namespace: string, opts: DevServerOptions, log: Log): Promise<DevServer> {
  const [free, httpPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  const port = opts.port ?? free;
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--log-level',
    'warn',
    ...(namespace === 'default' ? [] : ['--namespace', namespace]),
    // WAL with synchronous=normal: a committed transaction survives a crash of the server process;
    // only an OS crash may lose the last moments. Several times faster on small machines.
    ...(opts.dbFile ? ['--db-filename', path.resolve(opts.dbFile), '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'] : []),
    ...SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${CLI_TYPE_NAMES[a.type]}`]),
  ];
  log(`Starting Temporal dev server on ${address} (namespace ${namespace}, ${opts.dbFile ? `state in ${opts.dbFile}` : 'in memory'})…`);
  const started = Date.now();
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = new OutputTail(60);
  child.stdout?.on('data', (d: Buffer) => output.push(d));
  child.stderr?.on('data', (d: Buffer) => output.push(d));
  const tracked = supervise(child, { stopSignal: 'SIGTERM', graceMs: STOP_GRACE_MS });

  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  try {
    await waitUntilReady(address, namespace, timeoutMs, tracked);
  } catch (err) {
    await tracked.stop();
    const text = output.text();
    if (/address already in use/i.test(text)) throw new PortInUseError(`port ${port}, ${httpPort} or ${metricsPort} is taken`);
    throw new Error(
      `Temporal dev server (${cli}) did not become ready on ${address}: ${(err as Error).message}\n` +
        `Last output of the server:\n${text || '(none)'}`,
    );
  }
  log(`Temporal dev server ready on ${address} in ${Date.now() - started} ms (pid ${child.pid}).`);
  const died = tracked.died.then((how) => {
    const last = output.text().split('\n').slice(-5).join('\n');
    return last ? `${how}; last output:\n${last}` : how;
  });
  return { address, namespace, pid: tracked.pid, metricsAddress: `127.0.0.1:${metricsPort}`, stop: tracked.stop, died };
}

async function waitUntilReady(
  address: string,
  namespace: string,
  timeoutMs: number,
  tracked: { exitDescription: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    const exit = tracked.exitDescription();
    if (exit) throw new Error(`the server exited (${exit}) while starting`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await delay(250);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s (last error: ${lastError})`);
}

// ---------------------------------------------------------------------------------------------
// Search attributes on servers not started by startDevServer

/**
 * Adds the project's custom search attributes to `namespace` where missing, through the operator
 * service. Works on a Temporal server (dev server, self-hosted) and on the Java time-skipping test
 * server, which implements OperatorService.AddSearchAttributes but not ListSearchAttributes: there
 * each attribute is added and "already exists" answers are ignored. Temporal Cloud manages search
 * attributes through its own control plane; there this fails with the server's error.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  let existing: Record<string, unknown> | undefined;
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    existing = { ...response.systemAttributes, ...response.customAttributes };
  } catch (err) {
    if (grpcCode(err) !== GRPC_UNIMPLEMENTED) throw err;
  }
  const missing = SEARCH_ATTRIBUTES.filter((a) => !existing || !(a.name in existing));
  for (const attribute of missing) {
    const type = encodeSearchAttributeIndexedValueType(attribute.type);
    if (type === undefined) throw new Error(`unknown search attribute type ${attribute.type}`);
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [attribute.name]: type } });
    } catch (err) {
      if (grpcCode(err) !== GRPC_ALREADY_EXISTS) throw err;
    }
  }
}

const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;

function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
