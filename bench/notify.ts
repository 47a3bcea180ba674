/**
 * Notification benchmark: decides voice templates at a fixed rate and measures how fast the
 * resulting notices go out through the real SMTP path (a local SMTP server) and the SMS
 * gateway adapter (a local gateway), from the decision to the outbox row being sent.
 *
 *   npx tsx bench/notify.ts                  (20 decisions/s for 15 s)
 *   RATE=40 SECONDS=10 npx tsx bench/notify.ts
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connectDatabase } from '../db/client.js';
import { createStaff } from '../db/staff.js';
import { contacts } from '../db/schema.js';
import { ensureTenantWithKey } from '../db/tenants.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/logger.js';
import { createSenders, startNotificationChannels } from '../runtime/notifications.js';
import { startPlatform } from '../runtime/platform.js';
import { startWeb } from '../runtime/web.js';
import { startWorker } from '../runtime/worker.js';
import { decideReview } from '../server/use-cases/decide-review.js';
import { submitJson } from '../server/use-cases/intake/submit.js';

const rate = Number(process.env.RATE ?? 20);
const seconds = Number(process.env.SECONDS ?? 15);

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-bench-notify-'));
  await fs.chmod(dataDir, 0o755);
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'false' });
  const log = createLogger('warn', 'bench');
  const platform = await startPlatform(config, {}, log);
  const channels = await startNotificationChannels(config, log);
  const web = await startWeb(config, platform.appDatabaseUrl, platform.temporal, log, { channels });
  const senders = createSenders(config, channels, `${web.url}/callbacks/sms-status`);
  const worker = await startWorker(config, platform.appDatabaseUrl, platform.temporal, log, { senders });
  const db = connectDatabase(platform.databaseUrl, { max: 4 });
  try {
    const tenant = await ensureTenantWithKey(db.db, 'bench tenant', `vrd_bench_${randomBytes(12).toString('hex')}`);
    await db.db.insert(contacts).values({ tenantId: tenant.id, name: '张伟', mobile: '+8613800138000', email: 'bench@example.com', subscriptions: ['voice_template'] });
    const member = await createStaff(db.db, { email: 'bench-reviewer@example.com', name: 'Bench', role: 'reviewer', passwordHash: 'x' });
    const actor = { id: member.id, name: member.name, role: member.role };

    const total = rate * seconds;
    process.stdout.write(`submitting ${total} templates…\n`);
    const ids: string[] = [];
    for (let i = 0; i < total; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, total - i) }, (_, k) =>
          submitJson(web.deps, tenant, 'voice_template', { name: `bench_${i + k}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}取件', scenario: 'bench' }),
        ),
      );
      ids.push(...batch.map((r) => r.id));
    }

    process.stdout.write(`deciding ${total} at ${rate}/s…\n`);
    const start = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let k = 0; k < total; k++) {
      const due = start + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(decideReview(web.deps, actor, ids[k]!, { round: 1, outcome: 'approved', token: randomBytes(18).toString('base64url') }));
    }
    await Promise.all(inflight);

    const expected = total * 2;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = (await db.sql`select count(*)::int as n from notification_outbox where state in ('sent','delivered','failed')`) as unknown as [{ n: number }];
      if (row.n >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = (performance.now() - start) / 1000;
    const rows = (await db.sql`
      select o.channel, o.state, extract(epoch from (o.sent_at - r.decided_at)) * 1000 as ms, o.sent_at
      from notification_outbox o join reviews r on r.id = o.review_id
      where o.review_id = any(${ids}::uuid[])`) as unknown as { channel: string; state: string; ms: number | null; sent_at: Date | null }[];
    const sent = rows.filter((r) => r.ms !== null);
    const lastSent = Math.max(...sent.map((r) => new Date(r.sent_at!).getTime()));
    const sendWindow = (lastSent - (Date.now() - (performance.now() - start))) / 1000;
    const byChannel = (ch: string) => sent.filter((r) => r.channel === ch).map((r) => Number(r.ms)).sort((a, b) => a - b);
    const email = byChannel('email');
    const sms = byChannel('sms');
    const mailboxCount = channels.dev.mailbox?.messages().length ?? 0;

    process.stdout.write(`\nMachine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}; one process (web + worker), embedded Postgres, Temporal dev server, local SMTP server and SMS gateway\n`);
    process.stdout.write(`${total} decisions at ${rate}/s → ${expected} notices; ${sent.length} sent, ${rows.filter((r) => r.state === 'failed').length} failed; SMTP server received ${mailboxCount}\n`);
    process.stdout.write(`throughput: ${(sent.length / Math.max(sendWindow, 0.001)).toFixed(1)} notices/s (all sent within ${sendWindow.toFixed(1)} s of the first decision; run ${elapsed.toFixed(1)} s)\n\n`);
    process.stdout.write('| channel | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|\n');
    for (const [name, xs] of [['email (SMTP)', email], ['SMS (gateway)', sms]] as const) {
      process.stdout.write(`| ${name} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 95).toFixed(0)} | ${pct(xs, 99).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |\n`);
    }
    process.stdout.write('\nLatency = outbox sent_at − the decision time recorded by the workflow.\n');
  } finally {
    await db.close();
    await worker.stop();
    await web.stop();
    senders.close();
    await channels.stop();
    await platform.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
