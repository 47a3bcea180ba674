import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { claimNoticeForSending } from '../../db/outbox.js';
import { findActiveReasons } from '../../db/rules.js';
import { deliverNotice } from '../../activities/delivery.js';
import { createSmsGateway } from '../../notifications/sms.js';
import { auditLog, batchNumbers, noticeAttempts, notificationOutbox, numbers, reviewEvents, reviews, unsubscribeBatches } from '../../db/schema.js';
import { workflowIdFor } from '../../domain/review.js';
import type { MailboxMessage } from '../../notifications/dev-mailbox.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { faultSeed, seededRandom, sleep } from '../support/faults.js';
import { form } from '../support/files.js';
import { freshNumber, issuedNumbers, xlsxFile } from '../support/numbers.js';
import { addContact, startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';
import { killWorkerProcess, startWorkerProcess } from '../support/worker-process.js';

/**
 * `npm run worker` processes killed with SIGKILL at random moments while submissions, decisions,
 * notices and unsubscribe batches go through one app. Each trial hands some work to the running
 * worker and kills it after a delay drawn from a seeded PRNG (FAULT_SEED repeats a run's plan and
 * delays); the next worker is already starting. At the end nothing is lost and nothing is done twice.
 */
const TRIALS = Number(process.env.FAULT_TRIALS ?? 50);
const MAX_KILL_DELAY_MS = 1000;
/** Workers starting ahead of need: a start costs 2-3 s of CPU, more than a trial's work. */
const STANDBY = 2;
const TYPES = ['submissions', 'decisions', 'notices', 'unsubscribe'] as const;
type TrialType = (typeof TYPES)[number];

const seed = faultSeed('FAULT_SEED');
const random = seededRandom(seed);

let app: TestApp;
let tenant: TestTenant;
let dataDir: string;
const children = new Set<ChildProcess>();
const emails: MailboxMessage[] = [];

beforeAll(async () => {
  console.log(`worker kills: seed ${seed} (FAULT_SEED=${seed} repeats this plan and these delays)`);
  app = await startTestApp({ notifications: true, captureLogs: true });
  // The app's own worker stops: only the processes started here run workflows and activities.
  await app.worker.stop();
  app.channels!.dev.mailbox!.onMessage((m) => void emails.push(m));
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-fault-workers-'));
  tenant = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '郑华', email: 'zheng@example.com', mobile: '+8613900139000', subscriptions: ['voice_template', 'number_order'] });
});

afterAll(async () => {
  await Promise.all([...children].map(killWorkerProcess));
  await app?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

function startWorker(): Promise<ChildProcess> {
  const { smtpUrl, sms } = app.channels!;
  const { proc, ready } = startWorkerProcess({
    DATABASE_URL: app.databaseUrl,
    TEMPORAL_TASK_QUEUE: app.taskQueue,
    DATA_DIR: dataDir,
    SMTP_URL: smtpUrl,
    SMS_GATEWAY_URL: sms.url,
    SMS_APP_KEY: sms.appKey,
    SMS_APP_SECRET: sms.appSecret,
    SMS_CALLBACK_URL: `${app.url}/callbacks/sms-status`,
  });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return ready;
}

/** The plan: each type about a quarter of the trials, in a seeded order. */
function plan(): TrialType[] {
  const list = Array.from({ length: TRIALS }, (_, i) => TYPES[i % TYPES.length]!);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

interface Decision {
  reviewId: string;
  outcome: 'approved' | 'rejected';
  fields: Record<string, string>;
  answer: Promise<{ status: number; html: string }>;
  /** How often the reviewer had to send the form again (told to retry). */
  resent: number;
}

/** What a reviewer is told to try again after: the review service away (503) or the automatic check still running. */
const toldToRetry = (a: { status: number; html: string }) => a.status === 503 || (a.status === 409 && a.html.includes('自动检查尚未完成'));

describe('workers killed with SIGKILL at random moments', () => {
  it(`when ${TRIALS} workers are killed at random points of submissions, decisions, notices and unsubscribe batches, then every submission has its lifecycle, every decision is applied once, every notice is sent once and every number of every batch is settled once`, async () => {
    const started = Date.now();
    const member = await app.addStaff('supervisor');
    const staff = new BackOfficeSession(app.url);
    await staff.login(member.email, member.password);
    const reason = (await findActiveReasons(app.database.db, 'voice_template'))[0]!;

    const submitted: string[] = [];
    const decisions: Decision[] = [];
    const batches: { id: string; reviewId: string; owned: string[]; total: number }[] = [];
    const kills: { at: number; type: TrialType; delayMs: number; workMs: number }[] = [];
    const readyMs: number[] = [];
    let manualNotices = 0;

    const submit = async (trial: number, count: number) => {
      for (let j = 0; j < count; j++) {
        const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `崩溃试验_${trial}_${j}` }), { 'idempotency-key': `kill-${trial}-${j}` });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        submitted.push(res.body.id);
      }
    };

    /** Pending reviews whose pre-check has passed and that nobody has decided yet, in a seeded order. */
    const decidable = async (count: number): Promise<string[]> => {
      const taken = new Set(decisions.map((d) => d.reviewId));
      const rows = await app.database.db
        .select({ id: reviews.id })
        .from(reviews)
        .innerJoin(reviewEvents, and(eq(reviewEvents.reviewId, reviews.id), eq(reviewEvents.type, 'precheck_passed')))
        .where(and(eq(reviews.tenantId, tenant.tenant.id), eq(reviews.status, 'pending'), eq(reviews.kind, 'voice_template')))
        .orderBy(reviews.id);
      const free = rows.map((r) => r.id).filter((id) => !taken.has(id));
      const chosen: string[] = [];
      while (chosen.length < count && free.length > 0) chosen.push(free.splice(Math.floor(random() * free.length), 1)[0]!);
      return chosen;
    };

    const decide = async (count: number): Promise<Decision[]> => {
      const sent: Decision[] = [];
      for (const reviewId of await decidable(count)) {
        const outcome = random() < 0.5 ? 'approved' : 'rejected';
        const page = await staff.get(`/reviews/${reviewId}`);
        const fields = { round: '1', token: formToken(page.html), outcome, ...(outcome === 'rejected' ? { reasonCode: reason.code, reasonText: '与业务场景不符' } : {}) };
        const decision: Decision = { reviewId, outcome, fields, answer: staff.post(`/reviews/${reviewId}/decision`, fields, { 'HX-Request': 'true' }), resent: 0 };
        decisions.push(decision);
        sent.push(decision);
      }
      return sent;
    };

    /** A staff member writes to the tenant's contact from a review page: written by the web, sent by the worker. */
    const notify = async (trial: number) => {
      const reviewId = submitted[Math.floor(random() * submitted.length)]!;
      const page = await staff.get(`/reviews/${reviewId}`);
      const contactId = /name="contactIds" value="([0-9a-f-]{36})"/.exec(page.html)?.[1];
      const body = new URLSearchParams({ _csrf: staff.csrf, token: formToken(page.html), contactIds: contactId ?? '', message: `第 ${trial} 次试验的人工通知` });
      body.append('channels', 'email');
      body.append('channels', 'sms');
      const res = await staff.postRaw(`/reviews/${reviewId}/notify`, body, { 'HX-Request': 'true' });
      expect(res.status).toBe(200);
      manualNotices += 2;
    };

    const unsubscribe = async (trial: number) => {
      const owned = await issuedNumbers(app, tenant.tenant.id, 200 + Math.floor(random() * 100));
      const unknown = Array.from({ length: 5 }, freshNumber);
      const list = [...owned, ...unknown, ...owned.slice(0, 3)];
      const res = await app.api(tenant, 'POST', '/number-unsubscriptions', form({ note: `试验 ${trial}` }, { file: { name: 'numbers.xlsx', content: await xlsxFile([['号码'], ...list.map((n) => [n])]) } }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      batches.push({ id: res.body.subjectId, reviewId: res.body.id, owned, total: list.length });
    };

    const standby: Promise<ChildProcess>[] = Array.from({ length: STANDBY }, startWorker);
    const counts: Record<TrialType, number> = { submissions: 0, decisions: 0, notices: 0, unsubscribe: 0 };
    for (const [trial, planned] of plan().entries()) {
      const waitFrom = Date.now();
      const worker = await standby.shift()!;
      readyMs.push(Date.now() - waitFrom);
      standby.push(startWorker());

      // Decisions need reviews whose pre-check passed; until there are some, a decision trial submits.
      let type = planned;
      if ((type === 'decisions' && (await decidable(1)).length === 0) || (type === 'notices' && submitted.length === 0)) type = 'submissions';
      counts[type] += 1;
      const workFrom = Date.now();
      if (type === 'submissions') await submit(trial, 2);
      if (type === 'decisions') await decide(2);
      if (type === 'notices') await notify(trial);
      if (type === 'unsubscribe') await unsubscribe(trial);

      const delayMs = Math.floor(random() * MAX_KILL_DELAY_MS);
      const workMs = Date.now() - workFrom;
      await sleep(delayMs);
      kills.push({ at: Date.now(), type, delayMs, workMs });
      await killWorkerProcess(worker);
    }
    await Promise.all(standby);
    const trialsDone = Date.now();

    // Every decision is answered once a worker takes the round again. A reviewer told to try again
    // (a round whose workflow task is being retried after a kill, or whose pre-check is being redone)
    // sends the same form again, as the page says, until it is taken.
    const answers = await Promise.all(
      decisions.map(async (d) => {
        let answer = await d.answer;
        for (const until = Date.now() + 120_000; toldToRetry(answer) && Date.now() < until; ) {
          await sleep(1000);
          d.resent += 1;
          answer = await staff.post(`/reviews/${d.reviewId}/decision`, d.fields, { 'HX-Request': 'true' });
        }
        return answer;
      }),
    );
    const refusedText = (html: string) => /role="alert"[^>]*>([^<]+)/.exec(html)?.[1] ?? html.slice(0, 300);
    expect(answers.map((a, i) => `${decisions[i]!.reviewId}: ${a.status}${a.status === 200 ? '' : ` ${refusedText(a.html)}`}`).filter((s) => !s.endsWith(': 200'))).toEqual([]);
    expect(app.logLines.filter((l) => l.includes('"level":50')).map((l) => l.slice(0, 500))).toEqual([]);

    // Everything settles: lifecycles started and pre-checked, decisions applied, notices sent, batches finished.
    const allReviews = [...submitted, ...batches.map((b) => b.reviewId)];
    await expect
      .poll(
        async () => {
          const rows = await app.database.db.select().from(reviews).where(inArray(reviews.id, allReviews));
          const checked = await app.database.db.select({ id: reviewEvents.reviewId }).from(reviewEvents).where(and(inArray(reviewEvents.reviewId, submitted), eq(reviewEvents.type, 'precheck_passed')));
          const notices = await app.database.db.select({ state: notificationOutbox.state }).from(notificationOutbox).where(eq(notificationOutbox.tenantId, tenant.tenant.id));
          return {
            unstarted: rows.filter((r) => r.workflowStartedAt === null).length,
            unchecked: submitted.length - new Set(checked.map((c) => c.id)).size,
            undecided: decisions.filter((d) => rows.find((r) => r.id === d.reviewId)?.status !== d.outcome).length,
            batchesChecking: rows.filter((r) => r.kind === 'number_unsubscribe' && r.status === 'checking').length,
            noticesUnsent: notices.filter((n) => n.state !== 'sent' && n.state !== 'delivered').length,
          };
        },
        { timeout: 150_000, interval: 1000 },
      )
      .toEqual({ unstarted: 0, unchecked: 0, undecided: 0, batchesChecking: 0, noticesUnsent: 0 })
      .catch(async (err: unknown) => {
        // Say which notices are stuck and where, so a failure can be followed up from its output.
        const stuck = await app.database.db
          .select({ id: notificationOutbox.id, channel: notificationOutbox.channel, state: notificationOutbox.state, claimedBy: notificationOutbox.claimedBy, dispatchedAt: notificationOutbox.dispatchedAt, attempts: notificationOutbox.attempts, lastError: notificationOutbox.lastError })
          .from(notificationOutbox)
          .where(and(eq(notificationOutbox.tenantId, tenant.tenant.id), notInArray(notificationOutbox.state, ['sent', 'delivered'])));
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nnotices not sent: ${JSON.stringify(stuck)}`);
      });
    const settled = Date.now();

    // Every accepted submission: one review with one submission event, one passed pre-check, its round's workflow there.
    const events = await app.database.db.select().from(reviewEvents).where(inArray(reviewEvents.reviewId, allReviews));
    const once = (reviewId: string, type: string) => events.filter((e) => e.reviewId === reviewId && e.type === type).length;
    expect(submitted.filter((id) => once(id, 'submitted') !== 1 || once(id, 'precheck_passed') !== 1)).toEqual([]);
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection, namespace: inject('temporalNamespace') });
      const decided = new Set(decisions.map((d) => d.reviewId));
      for (const id of submitted) {
        const { status } = await client.workflow.getHandle(workflowIdFor(id, 1)).describe();
        expect([id, status.name]).toEqual([id, decided.has(id) ? 'COMPLETED' : 'RUNNING']);
      }
    } finally {
      await connection.close();
    }

    // Every decision: applied once, one event and one audit row for its round, one notice per contact and channel.
    const audits = await app.database.db.select().from(auditLog).where(inArray(auditLog.objectId, [...allReviews, ...batches.map((b) => b.id)]));
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.tenantId, tenant.tenant.id));
    expect(notices.filter((n) => n.event === 'manual')).toHaveLength(manualNotices);
    for (const d of decisions) {
      expect([d.reviewId, events.filter((e) => e.reviewId === d.reviewId && (e.type === 'approved' || e.type === 'rejected')).map((e) => e.type)]).toEqual([d.reviewId, [d.outcome]]);
      expect([d.reviewId, audits.filter((a) => a.objectId === d.reviewId && a.action.startsWith('review.')).map((a) => a.action)]).toEqual([d.reviewId, [d.outcome === 'approved' ? 'review.approve' : 'review.reject']]);
      expect([d.reviewId, notices.filter((n) => n.reviewId === d.reviewId && n.event !== 'manual').map((n) => n.channel).sort()]).toEqual([d.reviewId, ['email', 'sms']]);
    }

    // Every batch: finished, each listed number settled once, each owned number released once by it.
    for (const b of batches) {
      const [batch] = await app.database.db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.id, b.id));
      expect(batch).toMatchObject({ total: b.total, processed: b.total, released: b.owned.length, failed: b.total - b.owned.length });
      const outcomes = await app.database.db.select().from(batchNumbers).where(eq(batchNumbers.batchId, b.id));
      expect(outcomes).toHaveLength(b.total);
      expect(outcomes.filter((o) => o.outcome === 'pending')).toEqual([]);
      const released = await app.database.db.select().from(numbers).where(inArray(numbers.number, b.owned));
      expect(released.filter((n) => n.status !== 'released' || n.releasedByBatch !== b.id)).toEqual([]);
      expect(once(b.reviewId, 'batch_finished')).toBe(1);
      expect(audits.filter((a) => a.objectId === b.id && a.action === 'numbers.release')).toHaveLength(1);
      expect(notices.filter((n) => n.reviewId === b.reviewId).map((n) => n.channel).sort()).toEqual(['email', 'sms']);
    }

    // Every notice: received by the SMTP or SMS sink, and not twice. An SMS never: a worker killed
    // after the gateway accepted it and before the row was marked sent leaves the row to the gateway's
    // delivery report, which settles it before the delivery is retried. An email has no such report:
    // the retry sends the same Message-ID again, which receivers can drop. Such a copy is counted, and
    // allowed only with that evidence: for each copy after the first, a claim of the row that never
    // recorded an outcome (its worker died holding it) and a kill between that copy and the one before.
    // An email's time is when its sender began it (the DATA command): the mailbox reads and stamps a
    // message later, and a sender killed while its message was on the way died before that stamp.
    const sms = app.channels!.dev.sms!.messages();
    const attempts = await app.database.db.select().from(noticeAttempts).where(inArray(noticeAttempts.noticeId, notices.map((n) => n.id)));
    const copies = notices.map((n) => {
      const key = `${n.id}.${n.sendRound}`;
      const arrived = n.channel === 'email' ? emails.filter((m) => m.messageId === `<${key}@voice-review-desk>`).map((m) => m.dataStartedAt.getTime()) : sms.filter((m) => m.extend === key).map((m) => m.receivedAt.getTime());
      const recorded = new Set(attempts.filter((a) => a.noticeId === n.id && a.outcome !== 'delivered').map((a) => a.attempt));
      return { id: n.id, channel: n.channel, arrived: arrived.sort((a, b) => a - b), claimsWithoutOutcome: n.attempts - recorded.size };
    });
    expect(copies.filter((c) => c.arrived.length === 0).map((c) => `${c.channel} ${c.id}: lost`)).toEqual([]);
    const repeated = copies.filter((c) => c.arrived.length > 1);
    const killedBetween = (from: number, to: number) => kills.some((k) => k.at >= from && k.at <= to);
    const unexplained = repeated.filter((c) => c.channel === 'sms' || c.arrived.length - 1 > c.claimsWithoutOutcome || c.arrived.slice(1).some((at, i) => !killedBetween(c.arrived[i]!, at)));
    expect(unexplained.map((c) => `${c.channel} ${c.id}: ${c.arrived.length} copies, ${c.claimsWithoutOutcome} claims without an outcome`)).toEqual([]);

    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    console.log(
      [
        `worker kills: seed ${seed}, ${TRIALS} trials (${Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', ')}), kill delays 0-${MAX_KILL_DELAY_MS} ms (mean ${avg(kills.map((k) => k.delayMs))} ms)`,
        `  ${submitted.length} submissions, ${decisions.length} decisions, ${batches.length} batches (${batches.reduce((n, b) => n + b.total, 0)} numbers), ${notices.length} notices (${manualNotices} written by staff; ${emails.length} emails and ${sms.length} SMS received)`,
        `  decision forms sent again after a "try again": ${decisions.filter((d) => d.resent > 0).length} (${decisions.reduce((n, d) => n + d.resent, 0)} times); emails sent again after a kill between the SMTP server's acceptance and the row's "sent": ${repeated.length} (${repeated.reduce((n, c) => n + c.arrived.length - 1, 0)} extra copies); SMS whose send a kill left unrecorded, settled by their delivery report: ${notices.filter((n) => n.channel === 'sms' && !attempts.some((a) => a.noticeId === n.id && a.outcome === 'sent')).length}`,
        `  trials ${Math.round((trialsDone - started) / 1000)} s (waiting for the next worker: mean ${avg(readyMs)} ms; handing out the work: ${TYPES.map((t) => `${t} ${avg(kills.filter((k) => k.type === t).map((k) => k.workMs))} ms`).join(', ')}), settling ${Math.round((settled - trialsDone) / 1000)} s`,
      ].join('\n'),
    );
  }, 420_000);
});

describe('the window between the gateway accepting an SMS and the row marked sent', () => {
  it('when a worker dies after the SMS gateway accepted a notice and before the row was marked sent, then the delivery report settles the row and the retried delivery does not send it again', async () => {
    const recipient = '+8613800000099';
    // Already dispatched, so no running worker's dispatcher takes it: this test plays the delivery itself.
    const [row] = await app.database.db
      .insert(notificationOutbox)
      .values({ event: 'manual', channel: 'sms', recipient, tenantId: tenant.tenant.id, language: 'zh-CN', body: '只发一次的短信', dedupeKey: `window-${Date.now()}`, dispatchedAt: new Date() })
      .returning();
    const id = row!.id;
    const claimant = `notices-${id}-1`;
    // What the worker did before it died: claimed the row and had the gateway accept the message.
    expect(await claimNoticeForSending(app.database.db, id, claimant)).toBeDefined();
    const { sms } = app.channels!;
    const gateway = createSmsGateway({ ...sms, statusCallbackUrl: `${app.url}/callbacks/sms-status` });
    const { results } = await gateway.send({ to: [recipient], templateId: sms.templateId, params: ['只发一次的短信'], requestId: `${id}.1` });
    expect(results[0]?.ok).toBe(true);

    // The gateway's delivery report (it carries our request id) settles the row that was never marked sent.
    await expect.poll(async () => (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id)))[0]?.state, { timeout: 10_000 }).toBe('delivered');
    const [settled] = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id));
    expect(settled?.providerMessageId).toBe(results[0]?.providerMessageId);

    // Temporal's retry of the delivery, on another worker: nothing is sent again.
    expect(await deliverNotice(app.database.db, { email: null, sms: { gateway, templateId: sms.templateId } }, { outboxId: id, claimant })).toEqual({ state: 'delivered' });
    expect(app.channels!.dev.sms!.messages().filter((m) => m.extend === `${id}.1`)).toHaveLength(1);
  });
});
