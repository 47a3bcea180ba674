import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema.js';
import { logIn, logOut } from '../../server/use-cases/log-in.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app?.stop();
});

const auditOf = (action: string, label: string) =>
  app.database.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.actorLabel, label)));

describe('the log-in use case', () => {
  it('when a staff member logs in with the right password, then a session starts and one audit row names them; logging out ends it, audited', async () => {
    const member = await app.addStaff('reviewer');
    const deps = { db: app.database.db, now: () => new Date() };
    const result = await logIn(deps, { email: member.email, password: member.password, ip: '203.0.113.7', userAgent: 'test' });
    expect(result.outcome).toBe('ok');
    const rows = await auditOf('staff.login', member.name);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: member.id, objectType: 'staff', objectId: member.id, ip: '203.0.113.7' });

    await logOut(app.database.db, { token: result.outcome === 'ok' ? result.token : undefined, staff: member, ip: '203.0.113.7' });
    expect(await auditOf('staff.logout', member.name)).toHaveLength(1);
  });

  it('when the password is wrong, then the attempt fails and is audited under the e-mail typed; an unknown e-mail reads the same', async () => {
    const member = await app.addStaff('reviewer');
    const deps = { db: app.database.db, now: () => new Date() };
    expect(await logIn(deps, { email: member.email, password: 'wrong-password', ip: '203.0.113.8', userAgent: null })).toEqual({ outcome: 'failed' });
    const [row] = await auditOf('staff.login_failed', member.email);
    expect(row).toMatchObject({ actorId: member.id, objectId: member.id });
    expect(await logIn(deps, { email: 'nobody@example.com', password: 'x', ip: '203.0.113.8', userAgent: null })).toEqual({ outcome: 'failed' });
    const [unknown] = await auditOf('staff.login_failed', 'nobody@example.com');
    expect(unknown).toMatchObject({ actorId: null, objectId: null });
  });
});
