import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';

/*
 * The web and worker processes connect as a role that owns nothing: it may read and write the
 * ordinary tables and only read and append to the audit log. Migrations run as the owner. The
 * append-only triggers on audit_log can be dropped or disabled only by the table's owner, so an
 * application connection (the one an injected query would run on) cannot remove them.
 */

/** Tables the application role may read and append to, never change (the audit log, every rule-set version). */
const APPEND_ONLY = ['audit_log', 'rule_set_versions', 'declaration_versions', 'declaration_acceptances'];
/** Tables only the owner reads. */
const OWNER_ONLY = ['app_role_credentials'];

/** `<database>_app`: roles are shared by every database of a cluster, so the name says whose it is. */
export function appRoleName(database: string): string {
  return `${database.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_app`.slice(-63);
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Makes sure the application role exists with exactly the grants it needs, and returns the URL
 * to connect as it. With `appUrl` (DATABASE_APP_URL) the operator's role is used and only granted
 * to; without, a login role `<database>_app` is created once with a generated password kept in
 * app_role_credentials. Idempotent; the caller holds the migration lock, so concurrent starts
 * do this once at a time. Re-granting on every start covers tables added by later migrations.
 */
export async function ensureAppRole(sql: postgres.Sql, ownerUrl: string, appUrl?: string): Promise<string> {
  const [who] = await sql<{ owner: string; database: string }[]>`select current_user as owner, current_database() as database`;
  if (!who) throw new Error('cannot read current_user');
  let role: string;
  let url: string;
  if (appUrl) {
    role = decodeURIComponent(new URL(appUrl).username);
    if (!role) throw new Error('DATABASE_APP_URL must name the user to connect as');
    if (!(await roleExists(sql, role))) {
      throw new Error(`DATABASE_APP_URL names role ${role}, which does not exist: create it (CREATE ROLE ${role} LOGIN PASSWORD '…'), or leave DATABASE_APP_URL unset`);
    }
    url = appUrl;
  } else {
    role = appRoleName(who.database);
    url = withCredentials(ownerUrl, role, await ensureLoginRole(sql, role));
  }
  await refuseOverpowered(sql, role, who.owner);
  await grant(sql, role, who.database);
  return url;
}

async function roleExists(sql: postgres.Sql, role: string): Promise<boolean> {
  return (await sql`select 1 from pg_roles where rolname = ${role}`).length > 0;
}

/** Creates the role if missing and returns its password (a stored one, or a new one set now). */
async function ensureLoginRole(sql: postgres.Sql, role: string): Promise<string> {
  const [stored] = await sql<{ password: string }[]>`select password from app_role_credentials where role = ${role}`;
  if (stored && (await roleExists(sql, role))) return stored.password;
  const password = randomBytes(24).toString('base64url');
  if (await roleExists(sql, role)) {
    // The role exists but its password was not kept here (another installation's leftovers): set a new one.
    await sql.unsafe(`alter role ${quoteIdent(role)} with login password ${literal(password)}`);
  } else {
    await sql.unsafe(`create role ${quoteIdent(role)} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${literal(password)}`);
  }
  await sql`insert into app_role_credentials (role, password) values (${role}, ${password})
            on conflict (role) do update set password = excluded.password`;
  return password;
}

/** A role that is a superuser, bypasses row security, manages roles or inherits the owner's rights would make the separation void. */
async function refuseOverpowered(sql: postgres.Sql, role: string, owner: string): Promise<void> {
  if (role === owner) throw new Error(`the application role ${role} is the owner of the tables: it must be a separate role`);
  const [r] = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; member: boolean }[]>`
    select rolsuper, rolbypassrls, rolcreaterole, pg_has_role(${role}, ${owner}, 'MEMBER') as member
    from pg_roles where rolname = ${role}`;
  if (!r) throw new Error(`role ${role} does not exist`);
  const problems = [r.rolsuper && 'is a superuser', r.rolbypassrls && 'bypasses row security', r.rolcreaterole && 'may create roles', r.member && `is a member of ${owner}`].filter(Boolean);
  if (problems.length > 0) throw new Error(`the application role ${role} ${problems.join(', ')}: it must be an ordinary login role`);
}

async function grant(sql: postgres.Sql, role: string, database: string): Promise<void> {
  const r = quoteIdent(role);
  await sql.unsafe(`grant connect on database ${quoteIdent(database)} to ${r}`);
  await sql.unsafe(`grant usage on schema public to ${r}`);
  await sql.unsafe(`grant select, insert, update, delete on all tables in schema public to ${r}`);
  // Whatever else someone may have granted by hand is taken back.
  await sql.unsafe(`revoke truncate, references, trigger on all tables in schema public from ${r}`);
  for (const t of APPEND_ONLY) await sql.unsafe(`revoke update, delete on ${quoteIdent(t)} from ${r}`);
  for (const t of OWNER_ONLY) await sql.unsafe(`revoke all on ${quoteIdent(t)} from ${r}`);
  await sql.unsafe(`grant usage, select on all sequences in schema public to ${r}`);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The owner's URL with the application role's user and password instead. */
function withCredentials(ownerUrl: string, user: string, password: string): string {
  const u = new URL(ownerUrl);
  if (!u.hostname) throw new Error('DATABASE_URL has no host to reach the database over TCP: set DATABASE_APP_URL for the application role');
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}
