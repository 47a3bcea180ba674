/**
 * Decision latency through the back office: a reviewer signed in (session cookie, CSRF token)
 * opens a review's page and posts the decision as htmx does; the figure is the POST alone, from
 * the request until the updated panel has arrived: the form read, the Update to the round's
 * workflow (its validator, the decision activity writing the read model, timeline, audit and
 * outbox in one transaction, the Update's result), and the panel rendered from the read model.
 *
 * Part of `npm run bench` (bench/run.ts).
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import type { TenantRow } from '../db/tenants.js';
import { submitJson } from '../server/use-cases/intake/submit.js';
import { BackOfficeSession, formToken } from '../test/support/back-office.js';
import type { App, Stack } from './support/stack.js';
import { atRate, loadAverage, percentiles, sleep } from './support/measure.js';

export interface DecisionFigures {
  rate: number;
  decisions: number;
  failed: number;
  post: ReturnType<typeof percentiles>;
  page: ReturnType<typeof percentiles>;
  load: string;
}

/** `count` voice templates submitted through the intake use-case, returned once the worker has checked every one. */
export async function pendingReviews(stack: Stack, app: App, tenant: TenantRow, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, (_, k) =>
        submitJson(app.web.deps, tenant, 'voice_template', { name: `bench_${randomBytes(4).toString('hex')}_${i + k}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}取件', scenario: 'bench' }),
      ),
    );
    ids.push(...batch.map((r) => r.id));
  }
  const until = Date.now() + 300_000;
  for (;;) {
    const [row] = (await stack.db.sql`select count(*)::int as n from review_events where type = 'precheck_passed' and review_id = any(${ids}::uuid[])`) as unknown as [{ n: number }];
    if (row.n >= ids.length) return ids;
    if (Date.now() > until) throw new Error(`only ${row.n} of ${ids.length} reviews were checked within 5 minutes`);
    await sleep(200);
  }
}

export async function measureDecisions(stack: Stack, app: App, opts: { rate: number; seconds: number; say?: (line: string) => void }): Promise<DecisionFigures> {
  const total = Math.round(opts.rate * opts.seconds);
  const ids = await pendingReviews(stack, app, app.tenant, total + 10);
  const session = new BackOfficeSession(app.web.url);
  await session.login(app.reviewer.email, app.reviewer.password);
  const pageTimes: number[] = [];
  const decide = async (id: string): Promise<number> => {
    const t0 = performance.now();
    const page = await session.get(`/reviews/${id}`);
    pageTimes.push(performance.now() - t0);
    const round = /name="round" value="(\d+)"/.exec(page.html)?.[1] ?? '1';
    const t1 = performance.now();
    const res = await session.post(`/reviews/${id}/decision`, { round, token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });
    const ms = performance.now() - t1;
    if (res.status !== 200) throw new Error(`decision answered ${res.status}`);
    return ms;
  };
  // Warm-up: the first decisions pay for templates, pools and the JIT.
  for (const id of ids.slice(0, 10)) await decide(id);
  pageTimes.length = 0;
  const rest = ids.slice(10);
  const { results } = await atRate(opts.rate, opts.seconds, (i) => decide(rest[i]!));
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) opts.say?.(`  first failure: ${String((failed[0] as PromiseRejectedResult).reason)}`);
  return { rate: opts.rate, decisions: ok.length, failed: failed.length, post: percentiles(ok), page: percentiles(pageTimes), load: loadAverage() };
}
