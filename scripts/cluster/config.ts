/**
 * Writes the Temporal server's configuration for a single-node cluster: persistence on the
 * `postgres12` SQL plugin (database `temporal`), SQL visibility on PostgreSQL (database
 * `temporal_visibility`), the four services (frontend, history, matching, worker) on loopback
 * ports chosen by the caller, and a dynamic-config file beside it.
 *
 * The database password is not written into the file: the file is a template (`# enable-template`,
 * rendered by the server with sprig) that reads it from TEMPORAL_DB_PASSWORD in the server's
 * environment.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const DB_PASSWORD_ENV = 'TEMPORAL_DB_PASSWORD';

export interface ServerPorts {
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  historyGrpc: number;
  historyMembership: number;
  matchingGrpc: number;
  matchingMembership: number;
  workerGrpc: number;
  workerMembership: number;
  metrics: number;
}

export const PORT_NAMES: readonly (keyof ServerPorts)[] = [
  'frontendGrpc',
  'frontendHttp',
  'frontendMembership',
  'historyGrpc',
  'historyMembership',
  'matchingGrpc',
  'matchingMembership',
  'workerGrpc',
  'workerMembership',
  'metrics',
];

export interface ServerConfigInput {
  dir: string;
  ports: ServerPorts;
  database: { host: string; port: number; user: string; defaultDatabase: string; visibilityDatabase: string };
  /** Shards are fixed when the cluster is first created: never change this for an existing database. */
  historyShards: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const HOST = '127.0.0.1';
const q = (s: string): string => JSON.stringify(s); // a JSON string is a valid YAML scalar

function datastore(input: ServerConfigInput, database: string, maxConns: number): string {
  const d = input.database;
  return `      sql:
        pluginName: "postgres12"
        databaseName: ${q(database)}
        connectAddr: ${q(`${d.host}:${d.port}`)}
        connectProtocol: "tcp"
        user: ${q(d.user)}
        password: {{ env "${DB_PASSWORD_ENV}" | quote }}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
}

function service(grpc: number, membership: number, http?: number): string {
  return `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${http === undefined ? '' : `\n      httpPort: ${http}`}`;
}

export function renderServerConfig(input: ServerConfigInput, dynamicConfigFile: string): string {
  const p = input.ports;
  return `# enable-template
# Single-node Temporal cluster of \`npm run cluster\` (written at every start: ports are chosen free).
log:
  stdout: true
  level: ${q(input.logLevel)}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${input.historyShards}
  datastores:
    postgres-default:
${datastore(input, input.database.defaultDatabase, 20)}
    postgres-visibility:
${datastore(input, input.database.visibilityDatabase, 10)}

global:
  membership:
    maxJoinDuration: "30s"
    broadcastAddress: ${q(HOST)}
  pprof:
    port: 0
  metrics:
    prometheus:
      framework: "tally"
      timerType: "histogram"
      listenAddress: ${q(`${HOST}:${p.metrics}`)}

services:
  frontend:
${service(p.frontendGrpc, p.frontendMembership, p.frontendHttp)}
  history:
${service(p.historyGrpc, p.historyMembership)}
  matching:
${service(p.matchingGrpc, p.matchingMembership)}
  worker:
${service(p.workerGrpc, p.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: ${q(`${HOST}:${p.frontendGrpc}`)}
      httpAddress: ${q(`${HOST}:${p.frontendHttp}`)}

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: ${q(dynamicConfigFile)}
  pollInterval: "10s"
`;
}

/** Values that differ from the server's defaults, each for a reason. */
export function renderDynamicConfig(): string {
  return `# Dynamic configuration of the \`npm run cluster\` Temporal server (re-read every 10 s).
# The SQL schema keeps workflow ids in VARCHAR(255) columns: refuse longer ids
# up front with a clear error instead of a failed database write.
limit.maxIDLength:
  - value: 255
    constraints: {}
`;
}

/** Writes `temporal.yaml` and `dynamicconfig.yaml` into input.dir; returns the config file's path. */
export async function writeServerConfig(input: ServerConfigInput): Promise<string> {
  await fs.mkdir(input.dir, { recursive: true });
  const dynamicConfigFile = path.join(input.dir, 'dynamicconfig.yaml');
  const configFile = path.join(input.dir, 'temporal.yaml');
  await fs.writeFile(dynamicConfigFile, renderDynamicConfig());
  await fs.writeFile(configFile, renderServerConfig(input, dynamicConfigFile));
  return configFile;
}
