import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { connectDatabase, type Database } from '../../db/client.js';
import { prepareDatabase } from '../../db/migrate.js';
import { contacts } from '../../db/schema.js';
import { createStaff } from '../../db/staff.js';
import { createLogger } from '../../runtime/logger.js';

let database: Database;
let databaseUrl: string;

beforeAll(async () => {
  const adminUrl = inject('postgresAdminUrl');
  const name = `t_${randomBytes(5).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  await prepareDatabase(databaseUrl);
  database = connectDatabase(databaseUrl, { max: 2 });
});

afterAll(async () => {
  await database?.close();
});

/** A logger as the app makes it, writing its lines here. */
function capturingLogger() {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { log: createLogger('info', 'test', sink), text: () => text };
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('the query did not fail');
}

const EMAIL = 'zhang.san.private@example.com';
const MOBILE = '+8613912345678';

describe('database errors in log lines', () => {
  it('when an insert with an e-mail and a mobile fails, then the log line names the query but not the values', async () => {
    const err = await failure(() => database.db.insert(contacts).values({ tenantId: randomUUID(), name: '张三', email: EMAIL, mobile: MOBILE }));
    expect(String((err as Error).message)).toContain(EMAIL); // what drizzle puts in the message
    const { log, text } = capturingLogger();
    log.error({ err, method: 'POST', path: '/api/v1/contacts' }, 'api request failed');
    const line = JSON.parse(text());
    expect(text()).not.toContain(EMAIL);
    expect(text()).not.toContain(MOBILE);
    expect(line.err.message).toContain('insert into "contacts"');
    expect(line.err.message).toContain('params: [redacted]');
    expect(line.err.params).toBe('[redacted]');
    expect(line.err.stack).toContain('params: [redacted]');
    expect(line.err.message).toMatch(/foreign key/);
  });

  it("when a unique index refuses an e-mail, then PostgreSQL's detail (which quotes it) is left out", async () => {
    const staff = { email: EMAIL, name: 'Zhang', passwordHash: 'x', role: 'reviewer' as const };
    await createStaff(database.db, staff);
    const err = await failure(() => createStaff(database.db, staff));
    const cause = (err as Error).cause as { detail?: string };
    expect(cause.detail).toContain(EMAIL);
    const { log, text } = capturingLogger();
    log.warn({ err }, 'staff insert failed');
    log.warn({ err: cause }, 'staff insert failed');
    expect(text()).not.toContain(EMAIL);
    expect(JSON.parse(text().trim().split('\n')[1]!).err).toMatchObject({ detail: '[redacted]', constraint_name: 'staff_email_lower_idx' });
  });

  it('when the failure is wrapped in another error or sits inside the Temporal SDK meta, then the values stay out too', async () => {
    const err = await failure(() => database.db.insert(contacts).values({ tenantId: randomUUID(), name: '李四', email: EMAIL, mobile: MOBILE }));
    const { log, text } = capturingLogger();
    log.error({ err: new Error('applying the decision failed', { cause: err }) }, 'activity failed');
    log.warn({ temporal: { activityType: 'applyDecision', error: err, attempts: [{ error: err }] } }, 'Activity failed');
    log.error(err as Error);
    expect(text().trim().split('\n')).toHaveLength(3);
    expect(text()).not.toContain(EMAIL);
    expect(text()).not.toContain(MOBILE);
    expect(text()).toContain('applying the decision failed');
    expect(text()).toContain('insert into \\"contacts\\"');
  });

  it('when postgres.js runs with debug on, then its enumerable parameters and args are left out', async () => {
    const sql = postgres(databaseUrl, { max: 1, debug: () => undefined, onnotice: () => undefined });
    try {
      const err = await failure(() => sql`insert into contacts (tenant_id, name, email, mobile) values (${randomUUID()}, ${'王五'}, ${EMAIL}, ${MOBILE})`);
      expect(Object.keys(err as object)).toContain('parameters');
      const { log, text } = capturingLogger();
      log.error({ err }, 'query failed');
      expect(text()).not.toContain(EMAIL);
      expect(JSON.parse(text()).err).toMatchObject({ parameters: '[redacted]', args: '[redacted]', query: expect.stringContaining('insert into contacts') });
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
