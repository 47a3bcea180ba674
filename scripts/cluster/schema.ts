/**
 * Databases and roles of the cluster on one PostgreSQL server:
 *
 * - role `temporal` (may create databases) owning `temporal` and `temporal_visibility`, created
 *   and brought to the latest schema by Temporal's own `temporal-sql-tool` (plugin `postgres12`,
 *   the schema embedded in the tool);
 * - role `vrd` owning `voice_review_desk`, the application database (its migrations run in the
 *   app's processes).
 *
 * Every step is idempotent, so a restart on the same data folder re-checks and moves on.
 */
import postgres from 'postgres';
import { run, type Log } from '../temporal/binaries.js';

export const TEMPORAL_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';
export const APP_DATABASE = 'voice_review_desk';
export const TEMPORAL_ROLE = 'temporal';
export const APP_ROLE = 'vrd';

/** Embedded schema names inside temporal-sql-tool. */
const SCHEMAS: Record<string, string> = {
  [TEMPORAL_DATABASE]: 'postgresql/v12/temporal',
  [VISIBILITY_DATABASE]: 'postgresql/v12/visibility',
};

export interface Endpoint {
  host: string;
  port: number;
}

export function endpointOf(url: string): Endpoint {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432) };
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Creates the role, or resets its password to the one given (the secrets file is the truth). */
async function ensureRole(admin: postgres.Sql, role: string, password: string, createDb: boolean, createRole = false): Promise<void> {
  const [found] = await admin`select 1 as one from pg_roles where rolname = ${role}`;
  const verb = found ? 'alter' : 'create';
  await admin.unsafe(`${verb} role ${ident(role)} login ${createDb ? 'createdb' : 'nocreatedb'} ${createRole ? 'createrole' : 'nocreaterole'} password ${literal(password)}`);
}

async function databaseExists(admin: postgres.Sql, name: string): Promise<boolean> {
  const rows = await admin`select 1 as one from pg_database where datname = ${name}`;
  return rows.length > 0;
}

/**
 * Sets up (or upgrades) Temporal's two databases with the SQL tool. The password reaches the tool
 * through its SQL_PASSWORD variable, never its command line.
 */
export async function prepareTemporalDatabases(opts: { adminUrl: string; sqlTool: string; password: string; log: Log }): Promise<void> {
  const { host, port } = endpointOf(opts.adminUrl);
  const admin = postgres(opts.adminUrl, { max: 1, onnotice: () => undefined });
  const missing: string[] = [];
  try {
    await ensureRole(admin, TEMPORAL_ROLE, opts.password, true);
    for (const db of [TEMPORAL_DATABASE, VISIBILITY_DATABASE]) if (!(await databaseExists(admin, db))) missing.push(db);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: host,
    SQL_PORT: String(port),
    SQL_USER: TEMPORAL_ROLE,
    SQL_PASSWORD: opts.password,
  };
  const tool = (database: string, args: string[], label: string) =>
    run(opts.sqlTool, args, { env: { ...env, SQL_DATABASE: database }, log: opts.log, label });
  for (const database of [TEMPORAL_DATABASE, VISIBILITY_DATABASE]) {
    if (missing.includes(database)) {
      opts.log(`Creating database ${database} with temporal-sql-tool…`);
      await tool(database, ['create-database'], `temporal-sql-tool create-database ${database}`);
    }
    // setup-schema -v 0.0 only creates the version tables (a no-op once a version is recorded);
    // update-schema then applies every versioned step the database has not seen yet.
    await tool(database, ['setup-schema', '-v', '0.0'], `temporal-sql-tool setup-schema ${database}`);
    await tool(database, ['update-schema', '--schema-name', SCHEMAS[database]!], `temporal-sql-tool update-schema ${database}`);
  }
  opts.log(`Temporal schema is current in ${TEMPORAL_DATABASE} and ${VISIBILITY_DATABASE}.`);
}

/** The application's role and database; returns its URL. */
export async function prepareAppDatabase(opts: { adminUrl: string; password: string }): Promise<string> {
  const admin = postgres(opts.adminUrl, { max: 1, onnotice: () => undefined });
  try {
    // The owner creates the restricted role the web and worker processes connect as.
    await ensureRole(admin, APP_ROLE, opts.password, false, true);
    if (!(await databaseExists(admin, APP_DATABASE))) await admin.unsafe(`create database ${ident(APP_DATABASE)} owner ${ident(APP_ROLE)}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const { host, port } = endpointOf(opts.adminUrl);
  return `postgres://${APP_ROLE}:${encodeURIComponent(opts.password)}@${host}:${port}/${APP_DATABASE}`;
}
