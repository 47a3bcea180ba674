/**
 * The insight pages' queries on a large history: `npx tsx bench/insight.ts`.
 *
 * Embedded PostgreSQL, migrated as the app migrates it, then (in SQL, in seconds) 100,000 reviews
 * spread over six months (2025-01-01 to 2025-06-29, Beijing time) across 7 kinds, 50 tenants and
 * 20 reviewers: one submission each, four in five decided (about a third of them after their
 * deadline, each late one with a breach), one in ten reminded (half answered), one in five still
 * pending; and 200,000 audit rows. After ANALYZE, each query runs 5 times and the median is
 * printed, with the plan's root line of the first. `BENCH_REVIEWS` changes the size.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { connectDatabase, type Db } from '../db/client.js';
import { prepareDatabase } from '../db/migrate.js';
import { backlog, dailyFigures, reviewerFigures } from '../db/review-figures.js';
import { searchAudit } from '../db/audit-search.js';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.js';
import { createLogger } from '../runtime/logger.js';

const REVIEWS = Number(process.env.BENCH_REVIEWS ?? 100_000);
const AUDIT_ROWS = 200_000;
const RUNS = 5;
const TZ = 'Asia/Shanghai';

async function seed(db: Db): Promise<{ tenantId: string; staffId: string }> {
  await db.execute(sql`insert into tenants (name) select 'bench tenant ' || g from generate_series(1, 50) g`);
  await db.execute(sql`insert into staff (email, name, password_hash, role) select 'r' || g || '@bench.local', 'Reviewer ' || g, 'x', 'reviewer' from generate_series(1, 20) g`);
  const spacing = Math.floor((180 * 86_400) / REVIEWS);
  await db.execute(sql`
    with t as (select array_agg(id order by name) ids from tenants), s as (select array_agg(id order by name) ids from staff),
    k as (select array['service_activation','enterprise_qualification','voice_template','audio_file','quality_check_opt_out','number_order','number_unsubscribe'] kinds)
    insert into reviews (kind, tenant_id, subject_id, title, round, status, submitted_at, first_submitted_at, due_at, due_rule, sla_state, assignee_id,
                         decision_outcome, decided_at, decided_by, reminder_status, reminder_answer_due_at, workflow_id, workflow_started_at)
    select k.kinds[1 + g % 7], t.ids[1 + g % 50], 'BENCH' || g, 'bench ' || g, 1,
      case when g % 5 = 0 then 'pending' when g % 3 = 0 then 'rejected' else 'approved' end,
      x.sub, x.sub, x.sub + interval '24 hours', '{"type":"working_minutes","minutes":540}'::jsonb,
      case when g % 5 <> 0 then 'on_track' else (array['on_track','at_risk','breached'])[1 + g % 3] end,
      s.ids[1 + g % 20],
      case when g % 5 = 0 then null when g % 3 = 0 then 'rejected' else 'approved' end,
      case when g % 5 = 0 then null else x.sub + (g % 37) * interval '1 hour' end,
      case when g % 5 = 0 then null else s.ids[1 + g % 20] end,
      case when g % 10 = 0 then 'reminded' else 'none' end,
      case when g % 10 = 0 then x.sub + interval '4 hours' end,
      'bench-' || g, now()
    from generate_series(1, ${REVIEWS}) g, t, s, k,
      lateral (select timestamptz '2025-01-01 00:00:00+08' + g * ${spacing} * interval '1 second' as sub) x`);
  await db.execute(sql`insert into review_events (review_id, round, type, actor_type, actor_id, data, at) select id, 1, 'submitted', 'tenant', tenant_id::text, '{}', submitted_at from reviews`);
  await db.execute(sql`
    insert into review_events (review_id, round, type, actor_type, actor_id, actor_name, data, at)
    select id, 1, status, 'staff', decided_by::text, 'bench', jsonb_build_object('dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), decided_at
    from reviews where decided_at is not null`);
  await db.execute(sql`insert into review_events (review_id, round, type, actor_type, data, at) select id, 1, 'breached', 'system', '{}', due_at from reviews where decided_at > due_at`);
  await db.execute(sql`insert into review_events (review_id, round, type, actor_type, data, at) select id, 1, 'reminded', 'tenant', '{"number":1}', submitted_at + interval '2 hours' from reviews where reminder_status = 'reminded'`);
  await db.execute(sql`
    insert into review_events (review_id, round, type, actor_type, actor_id, data, at)
    select id, 1, 'reminder_replied', 'staff', assignee_id::text, '{}', submitted_at + interval '3 hours' from reviews where reminder_status = 'reminded' and (extract(epoch from submitted_at)::bigint / 60) % 2 = 0`);
  await db.execute(sql`
    insert into audit_log (at, actor_type, actor_id, actor_label, action, object_type, object_id, ip, details)
    select timestamptz '2025-01-01 00:00:00+08' + g * interval '77 seconds', 'staff', null, 'Reviewer ' || (1 + g % 20),
      (array['review.approve','review.reject','review.assign','staff.login','staff.logout','notice.resend','rule.change'])[1 + g % 7],
      case when g % 7 = 6 then 'deadline_rule' when g % 7 in (3, 4) then 'staff' else 'review' end,
      gen_random_uuid()::text, '10.0.0.1', jsonb_build_object('round', 1)
    from generate_series(1, ${AUDIT_ROWS}) g`);
  await db.execute(sql`vacuum analyze`);
  const [t] = await db.execute<{ id: string }>(sql`select id from tenants order by name limit 1`);
  const [s] = await db.execute<{ id: string }>(sql`select id from staff order by name limit 1`);
  return { tenantId: t!.id, staffId: s!.id };
}

async function time(label: string, run: () => Promise<unknown>): Promise<{ label: string; medianMs: number; minMs: number }> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, medianMs: times[Math.floor(RUNS / 2)]!, minMs: times[0]! };
}

/** Each query's median and fastest time (for `npm run bench`'s table and this file's own). */
export async function insightFigures(): Promise<{ figure: string; value: string; note: string }[]> {
  const { results } = await measure();
  return results.map((r) => ({ figure: r.label, value: `median ${r.medianMs.toFixed(1)} ms`, note: `fastest ${r.minMs.toFixed(1)} ms of ${RUNS}, ${REVIEWS.toLocaleString('en-US')} reviews` }));
}

async function measure(): Promise<{ results: { label: string; medianMs: number; minMs: number }[]; plan: string[] }> {
  const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn', 'bench');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-bench-insight-'));
  await fs.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), database: 'bench', log });
  const database = connectDatabase(pg.url, { max: 4 });
  try {
    await prepareDatabase(pg.url);
    const db = database.db;
    const t0 = performance.now();
    const { tenantId, staffId } = await seed(db);
    const counts = await db.execute<{ reviews: number; events: number; audit: number }>(
      sql`select (select count(*) from reviews)::int reviews, (select count(*) from review_events)::int events, (select count(*) from audit_log)::int audit`,
    );
    process.stderr.write(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(counts[0])}\n`);

    const sixMonths = { from: '2025-01-01', to: '2025-06-30', timeZone: TZ };
    const oneDay = { from: '2025-06-15', to: '2025-06-15', timeZone: TZ };
    const thirtyDays = { from: '2025-06-01', to: '2025-06-30', timeZone: TZ };
    const now = new Date('2025-06-15T12:00:00+08:00');
    const results = [
      await time('statistics: per day and kind, 6 months, all tenants', () => dailyFigures(db, sixMonths, {})),
      await time('statistics: per day and kind, 6 months, one tenant', () => dailyFigures(db, sixMonths, { tenantId })),
      await time('statistics: per day, 6 months, one kind', () => dailyFigures(db, sixMonths, { kind: 'voice_template' })),
      await time('statistics: per reviewer, 6 months', () => reviewerFigures(db, sixMonths, {})),
      await time('dashboard: backlog by kind and state', () => backlog(db, {}, now)),
      await time('dashboard: one day per kind', () => dailyFigures(db, oneDay, {})),
      await time('dashboard: 30 days per kind', () => dailyFigures(db, thirtyDays, {})),
      await time('dashboard: one reviewer, 30 days', () => Promise.all([backlog(db, { staffId }, now), dailyFigures(db, thirtyDays, { staffId }), reviewerFigures(db, thirtyDays, { staffId })])),
      await time('audit: newest 50', () => searchAudit(db, {}, 50)),
      await time('audit: one action, newest 50', () => searchAudit(db, { actions: ['rule.change'] }, 50)),
      await time('audit: one actor, newest 50', () => searchAudit(db, { actor: 'reviewer 7' }, 50)),
      await time('audit: one week, newest 50', () => searchAudit(db, { period: { from: '2025-03-01', to: '2025-03-07', timeZone: TZ } }, 50)),
      await time('audit: one action, a page deep in the log', () => searchAudit(db, { actions: ['review.approve'], beforeId: 20_000 }, 50)),
    ];
    const plan = await db.execute<{ 'QUERY PLAN': string }>(sql`explain (analyze, buffers off)
      select r.kind, count(*) from review_events e join reviews r on r.id = e.review_id
      where e.type in ('approved','rejected') and e.at >= timestamptz '2025-01-01 00:00+08' and e.at < timestamptz '2025-07-01 00:00+08' group by 1`);
    return { results, plan: plan.map((line) => line['QUERY PLAN']) };
  } finally {
    await database.close();
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { results, plan } = await measure();
  console.log('\n| query | median ms | fastest ms |\n|---|---|---|');
  for (const r of results) console.log(`| ${r.label} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} |`);
  console.log('\nplan of the decisions aggregate over six months:');
  for (const line of plan) console.log(`  ${line}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
