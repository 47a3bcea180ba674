import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase, type Database } from '../../db/client.js';
import { prepareDatabase } from '../../db/migrate.js';
import { countBySla } from '../../db/queue.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';

/**
 * The queue's counts of open reviews by kind and deadline state are kept by triggers on reviews
 * (open_review_counts). Whatever writes reviews, however many at once and from however many
 * connections, the kept counts must equal counting the rows.
 */
describe('kept counts of open reviews', () => {
  let database: Database;
  let tenantId: string;
  const KINDS = REVIEW_KINDS.slice(0, 3);
  const STATUSES = ['pending', 'provisioning', 'approved', 'rejected', 'withdrawn', 'checking'] as const;
  const SLA = ['on_track', 'at_risk', 'breached'] as const;

  /** Deterministic, so a failure is the same on the next run. */
  let seed = 20261126;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)]!;

  beforeAll(async () => {
    const adminUrl = inject('postgresAdminUrl');
    const name = `t_${randomBytes(5).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
    await prepareDatabase(url);
    database = connectDatabase(url, { max: 8 });
    const [t] = (await database.sql`insert into tenants (name) values ('counts tenant') returning id`) as unknown as [{ id: string }];
    tenantId = t.id;
  });
  afterAll(async () => {
    await database?.close();
  });

  const kept = async () =>
    (await database.sql`select kind, sla_state, sum(n)::int as n from open_review_counts group by 1, 2 having sum(n) <> 0 order by 1, 2`) as unknown as { kind: string; sla_state: string; n: number }[];
  const counted = async () =>
    (await database.sql`
      select kind, sla_state, count(*)::int as n from reviews where status in ('pending', 'provisioning') group by 1, 2 order by 1, 2`) as unknown as { kind: string; sla_state: string; n: number }[];

  const insertSome = (sql: postgres.Sql | postgres.TransactionSql, count: number) =>
    sql`
      insert into reviews (kind, tenant_id, subject_id, title, round, status, submitted_at, first_submitted_at, due_at, due_rule, sla_state, workflow_id)
      select k, ${tenantId}::uuid, 'C' || md5(random()::text), 'counts', 1, s, now(), now(), now() + interval '1 day', '{"type":"working_minutes","minutes":540}'::jsonb, sla, 'wf'
      from jsonb_to_recordset(${JSON.stringify(Array.from({ length: count }, () => ({ k: pick(KINDS), s: pick(STATUSES), sla: pick(SLA) })))}::jsonb) as x(k text, s text, sla text)`;

  it('when reviews are inserted, moved between states and statuses, decided, deleted and rolled back, from eight connections at once, then the kept counts equal counting the open reviews', async () => {
    await insertSome(database.sql, 300);
    expect(await kept()).toEqual(await counted());

    const rounds = 40;
    let deadlocks = 0;
    // Random rows in random order from eight connections deadlock now and then on the reviews
    // themselves; PostgreSQL then rolls the statement back whole, which the counts must follow too.
    const tolerateDeadlock = (err: unknown) => {
      if ((err as { code?: string }).code !== '40P01') throw err;
      deadlocks++;
    };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < rounds; i++) await step().catch(tolerateDeadlock);
      }),
    );
    expect(deadlocks).toBeLessThan(8 * rounds);
    expect(await kept()).toEqual(await counted());

    async function step(): Promise<void> {
      const op = rand(7);
      const few = 1 + rand(4);
      if (op === 0) await insertSome(database.sql, few);
      else if (op === 1) await database.sql`update reviews set sla_state = ${pick(SLA)} where id in (select id from reviews order by random() limit ${few})`;
      else if (op === 2) await database.sql`update reviews set status = ${pick(STATUSES)} where id in (select id from reviews order by random() limit ${few})`;
      else if (op === 3) await database.sql`update reviews set kind = ${pick(KINDS)}, sla_state = ${pick(SLA)}, status = ${pick(STATUSES)} where id in (select id from reviews order by random() limit 2)`;
      else if (op === 4) await database.sql`delete from reviews where id in (select id from reviews order by random() limit ${few})`;
      else if (op === 5) {
        // A transaction that changes rows and then rolls back leaves the counts as they were.
        await database.sql
          .begin(async (tx) => {
            await insertSome(tx, 5);
            await tx`update reviews set status = 'approved' where id in (select id from reviews where status = 'pending' order by id limit 5)`;
            throw new Error('roll back');
          })
          .catch((err: unknown) => {
            if ((err as Error).message !== 'roll back') throw err;
          });
      } else await database.sql`update reviews set due_at = due_at + interval '1 minute' where id in (select id from reviews order by id limit 20)`;
    }
  });

  it('when the queue asks for the counts of every open review or of one kind, then they are the kept ones, and equal to counting with any other filter that selects the same rows', async () => {
    const longAgo = new Date('2000-01-01T00:00:00Z');
    for (const kind of [undefined, ...KINDS]) {
      const fromKept = await countBySla(database.db, { status: 'open', kind });
      // A period from long ago selects every row but is not served by the kept counts.
      const fromRows = await countBySla(database.db, { status: 'open', kind, from: longAgo });
      expect(fromKept).toEqual(fromRows);
    }
    expect(Object.values(await countBySla(database.db, { status: 'open' })).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
