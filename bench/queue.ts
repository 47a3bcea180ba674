/**
 * The back-office queue with 100,000 open reviews: the full page, its htmx fragments and the
 * deadline-state counts, timed as a signed-in reviewer's requests one after another (so the time
 * is the server's, not queueing behind other requests).
 *
 * The open reviews are written straight into PostgreSQL by SQL (no workflows): 200 tenants of
 * very different sizes (a few send most), six kinds in the shares a platform sees, one in ten
 * breached, two in ten at risk, one in twenty reminded, four in ten held by one of 25 reviewers
 * (claimed within the last 40 minutes, so a quarter of those claims have lapsed after 30 idle
 * minutes), number orders partly in provisioning.
 *
 * Part of `npm run bench` (bench/run.ts); BENCH_QUEUE_REVIEWS changes the size.
 */
import { performance } from 'node:perf_hooks';
import { countBySla } from '../db/queue.js';
import type { Database } from '../db/client.js';
import { BackOfficeSession } from '../test/support/back-office.js';
import type { App } from './support/stack.js';
import { loadAverage, percentiles } from './support/measure.js';

export interface QueueFigure {
  what: string;
  p50: number;
  p95: number;
  n: number;
}

export interface QueueFigures {
  open: number;
  seedSeconds: number;
  figures: QueueFigure[];
  load: string;
  plans: string[];
}

/** `count` open reviews as described above, in one statement per table; returns the seconds it took. */
export async function seedOpenReviews(db: Database, count: number): Promise<number> {
  const t0 = performance.now();
  await db.sql.begin(async (sql) => {
    await sql`select setseed(0.42)`;
    await sql`insert into tenants (name) select 'queue tenant ' || lpad(g::text, 3, '0') from generate_series(1, 200) g`;
    await sql`insert into staff (email, name, password_hash, role) select 'queue-reviewer-' || g || '@bench.local', 'Queue Reviewer ' || lpad(g::text, 2, '0'), 'x', 'reviewer' from generate_series(1, 25) g`;
    await sql`
      with t as (select array_agg(id order by name) ids from tenants where name like 'queue tenant %'),
           s as (select array_agg(id order by name) ids from staff where email like 'queue-reviewer-%'),
           x as (select g, random() rk, random() rt, random() rs, random() rr, random() ra, random() r1, random() r2, random() r3, gen_random_uuid() id from generate_series(1, ${count}) g),
           y as (
             select x.*,
               case when rk < 0.35 then 'voice_template' when rk < 0.55 then 'audio_file' when rk < 0.70 then 'service_activation'
                    when rk < 0.80 then 'enterprise_qualification' when rk < 0.90 then 'quality_check_opt_out' else 'number_order' end as kind,
               case when rs < 0.10 then 'breached' when rs < 0.30 then 'at_risk' else 'on_track' end as sla
             from x),
           z as (
             select y.*,
               case sla when 'on_track' then now() + interval '10 minutes' + r1 * interval '3 days'
                        when 'at_risk' then now() - r1 * interval '4 hours'
                        else now() - r1 * interval '3 days' - interval '1 hour' - r2 * interval '23 hours' end as risk_at,
               case sla when 'on_track' then interval '1 hour' + r2 * interval '23 hours'
                        when 'at_risk' then null
                        else null end as risk_to_due
             from y),
           w as (
             select z.*,
               case sla when 'on_track' then risk_at + risk_to_due
                        when 'at_risk' then now() + interval '5 minutes' + r2 * interval '4 hours'
                        else risk_at + interval '1 hour' + r2 * interval '23 hours' end as due
             from z)
      insert into reviews (id, kind, tenant_id, subject_id, title, summary, round, status, submitted_at, first_submitted_at, due_at, at_risk_at, due_rule,
                           sla_state, assignee_id, assigned_at, reminder_status, reminder_count, reminder_last_at, reminder_answer_due_at, queue_bucket,
                           workflow_id, workflow_started_at)
      select w.id, w.kind, t.ids[1 + floor(200 * power(w.rt, 3))::int], 'Q' || upper(substr(md5(w.id::text), 1, 12)),
             'bench ' || replace(w.kind, '_', ' ') || ' ' || w.g, '请于明天前到驿站取件', 1,
             case when w.kind = 'number_order' and w.r3 < 0.3 then 'provisioning' else 'pending' end,
             w.due - 5 * (w.due - w.risk_at), w.due - 5 * (w.due - w.risk_at), w.due, w.risk_at,
             '{"type":"working_minutes","minutes":540}'::jsonb, w.sla,
             case when w.ra < 0.4 then s.ids[1 + floor(w.ra / 0.4 * 25)::int] end,
             case when w.ra < 0.4 then now() - w.r3 * interval '40 minutes' end,
             case when w.rr < 0.05 then 'reminded' else 'none' end,
             case when w.rr < 0.05 then 1 else 0 end,
             case when w.rr < 0.05 then now() - w.r3 * interval '4 hours' end,
             case when w.rr < 0.05 then now() - w.r3 * interval '4 hours' + interval '4 hours' end,
             case when w.rr < 0.05 then 0 else 1 end,
             'review-' || w.id || '-round-1', now()
      from w, t, s`;
  });
  await db.sql`vacuum analyze reviews`;
  return (performance.now() - t0) / 1000;
}

async function timeIt(what: string, runs: number, fn: () => Promise<unknown>): Promise<QueueFigure> {
  for (let i = 0; i < 20; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  const p = percentiles(times);
  return { what, p50: p.p50, p95: p.p95, n: runs };
}

export async function measureQueue(db: Database, app: App, opts: { reviews: number; runs?: number; say?: (line: string) => void }): Promise<QueueFigures> {
  const runs = opts.runs ?? 200;
  const seedSeconds = await seedOpenReviews(db, opts.reviews);
  const [{ open }] = (await db.sql`select count(*)::int as open from reviews where status in ('pending', 'provisioning')`) as unknown as [{ open: number }];
  opts.say?.(`  seeded ${opts.reviews} open reviews in ${seedSeconds.toFixed(1)} s; ${open} open in all`);
  const session = new BackOfficeSession(app.web.url);
  await session.login(app.reviewer.email, app.reviewer.password);
  const page = async (path: string, htmx: boolean) => {
    const res = await session.get(path, htmx ? { 'HX-Request': 'true' } : {});
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return res.html;
  };
  // A cursor deep enough that the keyset matters: the URL of "more" on the first page.
  const first = await page('/queue', false);
  const more = /hx-get="(\/queue\?[^"]*cursor=[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
  const figures = [
    await timeIt('full page (all open, by deadline)', runs, () => page('/queue', false)),
    await timeIt('fragment: one kind (htmx)', runs, () => page('/queue?kind=voice_template', true)),
    await timeIt('fragment: one kind, at risk, unassigned (htmx)', runs, () => page('/queue?kind=audio_file&sla=at_risk&assignee=none', true)),
    await timeIt('fragment: live refresh (htmx)', runs, () => session.get('/queue', { 'HX-Request': 'true', 'HX-Source': 'queue-live' })),
    ...(more ? [await timeIt('fragment: next 50 rows (cursor)', runs, () => page(more, true))] : []),
    await timeIt('SLA counts, all open (query)', runs, () => countBySla(app.web.deps.db, { status: 'open' })),
    await timeIt('SLA counts, one kind (query)', runs, () => countBySla(app.web.deps.db, { status: 'open', kind: 'voice_template' })),
  ];
  const plans: string[] = [];
  for (const [label, query] of [
    ['counts, all open', db.sql`explain (analyze, buffers) select sla_state, count(*)::int from reviews where status in ('pending','provisioning') group by sla_state`],
    [
      'first page, all open',
      db.sql`explain (analyze, buffers) select * from reviews r join tenants t on t.id = r.tenant_id left join staff s on s.id = r.assignee_id
             where r.status in ('pending','provisioning') order by r.urgency, r.queue_bucket, r.due_at, r.submitted_at, r.id limit 51`,
    ],
  ] as const) {
    const rows = (await query) as unknown as { 'QUERY PLAN': string }[];
    plans.push(`${label}:`, ...rows.map((r) => `  ${r['QUERY PLAN']}`));
  }
  return { open, seedSeconds, figures, load: loadAverage(), plans };
}
