/**
 * Notices benchmark: voice templates decided at a fixed rate (the Update round trip, as the back
 * office sends it); the tenant has one contact subscribed by e-mail and SMS, so each decision
 * queues two notices. The figure is, per notice, the outbox row's `sent_at` (the local SMTP
 * server accepted the message, or the SMS gateway accepted the send) minus the decision's time as
 * the workflow recorded it.
 *
 * Part of `npm run bench` (bench/run.ts).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decideReview } from '../server/use-cases/decide-review.js';
import { pendingReviews } from './decisions.js';
import type { App, Stack } from './support/stack.js';
import { atRate, cpuSample, histogramMeans, loadAverage, percentiles, scrapeMetrics, sleep } from './support/measure.js';

export interface NoticeFigures {
  rate: number;
  decisions: number;
  expected: number;
  sent: number;
  failed: number;
  email: ReturnType<typeof percentiles>;
  sms: ReturnType<typeof percentiles>;
  all: ReturnType<typeof percentiles>;
  /** Where the time went: decision → outbox row committed, → handed to a delivery workflow, → sent. */
  segments: { written: ReturnType<typeof percentiles>; dispatched: ReturnType<typeof percentiles>; sent: ReturnType<typeof percentiles> };
  /** Notices sent per second, from the first decision to the last notice sent. */
  throughput: number;
  /**
   * What the worker did with them, from its SDK's histograms (mean ms): how long a workflow task waited to be picked
   * up, how long each workflow type's tasks ran (local activities included) and each local activity.
   */
  worker: { taskWaitMs: number; taskRunMs: Record<string, number>; localActivityMs: Record<string, number> };
  /** CPU ms per decision with its two notices, from the first decision until the last notice was out, by process. */
  cpuPerDecision: { web: number; worker: number; postgres: number; temporal: number };
  load: string;
}

export async function measureNotices(stack: Stack, app: App, opts: { rate: number; seconds: number; say?: (line: string) => void }): Promise<NoticeFigures> {
  const total = Math.round(opts.rate * opts.seconds);
  const ids = await pendingReviews(stack, app, app.tenant, total);
  // Nothing else queued or sending: earlier parts' notices are out before this one starts.
  await outboxSettled(stack, 120_000);
  const actor = { id: app.reviewer.id, name: app.reviewer.name, role: 'reviewer' as const };
  const metrics0 = await scrapeMetrics(app.worker.metricsAddress);
  const pids = { postgres: stack.pg.pid, temporal: stack.dev.pid, worker: app.worker.pid };
  const cpu0 = await cpuSample(pids);
  const startedAt = Date.now();
  const t0 = performance.now();
  const { results } = await atRate(opts.rate, opts.seconds, (k) =>
    decideReview(app.web.deps, actor, ids[k]!, { round: 1, outcome: 'approved', token: randomBytes(18).toString('base64url') }),
  );
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) opts.say?.(`  first failed decision: ${String((failed[0] as PromiseRejectedResult).reason)}`);
  const decided = results.length - failed.length;
  const expected = decided * 2;
  await outboxSettled(stack, 180_000);
  const cpu1 = await cpuSample(pids);
  const metrics1 = await scrapeMetrics(app.worker.metricsAddress);
  const means = (metric: string, label?: string) =>
    Object.fromEntries([...histogramMeans(metrics0, metrics1, metric, label)].map(([k, v]) => [k, Math.round(v.mean * 10) / 10]));
  const rows = (await stack.db.sql`
    select o.channel, o.state, extract(epoch from (o.sent_at - r.decided_at)) * 1000 as ms, extract(epoch from o.sent_at) * 1000 as sent_ms,
           extract(epoch from (o.created_at - r.decided_at)) * 1000 as written_ms,
           extract(epoch from (o.dispatched_at - o.created_at)) * 1000 as dispatched_ms,
           extract(epoch from (o.sent_at - o.dispatched_at)) * 1000 as delivered_ms
    from notification_outbox o join reviews r on r.id = o.review_id
    where o.review_id = any(${ids}::uuid[])`) as unknown as {
    channel: string;
    state: string;
    ms: string | null;
    sent_ms: string | null;
    written_ms: string | null;
    dispatched_ms: string | null;
    delivered_ms: string | null;
  }[];
  const sent = rows.filter((r) => r.ms !== null);
  const ms = (ch?: string) => sent.filter((r) => !ch || r.channel === ch).map((r) => Number(r.ms));
  const lastSent = Math.max(...sent.map((r) => Number(r.sent_ms)));
  const window = Math.max((lastSent - startedAt) / 1000, (performance.now() - t0) / 1000 / 1000);
  return {
    rate: opts.rate,
    decisions: decided,
    expected,
    sent: sent.length,
    failed: rows.filter((r) => r.state === 'failed').length,
    email: percentiles(ms('email')),
    sms: percentiles(ms('sms')),
    all: percentiles(ms()),
    segments: {
      written: percentiles(sent.map((r) => Number(r.written_ms))),
      dispatched: percentiles(sent.map((r) => Number(r.dispatched_ms))),
      sent: percentiles(sent.map((r) => Number(r.delivered_ms))),
    },
    throughput: sent.length / window,
    cpuPerDecision: {
      web: (cpu1.node - cpu0.node) / Math.max(decided, 1),
      worker: (cpu1.worker - cpu0.worker) / Math.max(decided, 1),
      postgres: (cpu1.postgres - cpu0.postgres) / Math.max(decided, 1),
      temporal: (cpu1.temporal - cpu0.temporal) / Math.max(decided, 1),
    },
    worker: {
      taskWaitMs: means('temporal_workflow_task_schedule_to_start_latency')[''] ?? NaN,
      taskRunMs: means('temporal_workflow_task_execution_latency', 'workflow_type'),
      localActivityMs: means('temporal_local_activity_execution_latency', 'activity_type'),
    },
    load: loadAverage(),
  };
}

/** Waits until no notice is queued or being sent. */
async function outboxSettled(stack: Stack, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = (await stack.db.sql`select count(*)::int as n from notification_outbox where state in ('queued', 'sending')`) as unknown as [{ n: number }];
    if (row.n === 0 || Date.now() > until) return;
    await sleep(100);
  }
}
