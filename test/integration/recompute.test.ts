import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { recomputeIfRulesMoved } from '../../deadlines/recompute.js';
import { calendarVersion, loadCalendar } from '../../db/calendars.js';
import { findReview } from '../../db/reviews.js';
import { bumpRulesVersion, currentRulesVersion, currentVersions } from '../../db/rules-version.js';
import { appendRuleSetVersion, ruleSetInForce } from '../../db/rule-sets.js';
import { auditLog, reviews } from '../../db/schema.js';
import { workflowIdFor, type Actor } from '../../domain/review.js';
import { AT_RISK_SHARE } from '../../domain/rules.js';
import { atRiskAt, computeDueAt, createCalendar, localDateOf, type DeadlineRule } from '../../domain/working-time.js';
import { createLogger } from '../../runtime/logger.js';
import { signalDueTimers } from '../../deadlines/signal-rounds.js';
import { recomputeWorkflowId } from '../../temporal/recompute-client.js';
import { changeCalendar } from '../../server/use-cases/change-calendar.js';
import { changeDeadlineRule, type RuleChangeDeps } from '../../server/use-cases/change-deadline-rule.js';
import type { RoundState } from '../../workflows/messages.js';
import { BackOfficeSession, formToken } from '../support/back-office.js';
import { ReviewClient } from '../../temporal/review-client.js';
import { startCatchingRuleChanges } from '../../server/use-cases/intake/start.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let temporal: Client;
let deps: RuleChangeDeps;
let admin: Actor;
let reviewerActor: Actor;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  const a = await app.addStaff('admin');
  admin = { id: a.id, name: a.name, role: 'admin' };
  const r = await app.addStaff('reviewer');
  reviewerActor = { id: r.id, name: r.name, role: 'reviewer' };
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }), namespace: inject('temporalNamespace') });
  deps = { db: app.database.db, log: createLogger('silent'), recompute: { client: temporal, taskQueue: app.taskQueue } };
});

afterAll(async () => {
  // The recompute workflow waits for requests; it belongs to this file's task queue only.
  await temporal?.workflow.getHandle(recomputeWorkflowId(app.taskQueue)).terminate('test over').catch(() => undefined);
  await temporal?.connection.close();
  await app?.stop();
});

type View = { id: string; status: string; round: number; dueAt: string; submittedAt: string };

async function submit(name: string): Promise<View> {
  const res = await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name }));
  expect(res.status).toBe(201);
  return res.body as View;
}

const view = async (id: string): Promise<View> => (await app.api(tenant, 'GET', `/reviews/${id}`)).body as View;
const roundState = async (id: string): Promise<RoundState> => (await temporal.workflow.getHandle(workflowIdFor(id, 1)).query('state')) as RoundState;
const storedCalendar = async () => createCalendar((await loadCalendar(app.database.db))!.spec);

async function approve(id: string): Promise<void> {
  const r = await app.addStaff('reviewer');
  const session = new BackOfficeSession(app.url);
  await session.login(r.email, r.password);
  const page = await session.get(`/reviews/${id}`);
  const res = await session.post(`/reviews/${id}/decision`, { round: '1', token: formToken(page.html), outcome: 'approved' }, { 'HX-Request': 'true' });
  expect(res.status).toBe(200);
  expect((await view(id)).status).toBe('approved');
}

// Shorter than the default yet long enough that the new at-risk instant is always beyond the signal
// horizon, whatever the time of day the test runs.
const SHORT: DeadlineRule = { type: 'working_minutes', minutes: 480 };

describe('changing a deadline rule', () => {
  it('when an admin shortens the voice_template rule, then open reviews get earlier deadlines, their workflows the new deadline, decided reviews keep theirs, and the change is audited', async () => {
    const open = [await submit('recomputeA'), await submit('recomputeB')];
    const decided = await submit('recomputeDecided');
    await approve(decided.id);
    const decidedBefore = await findReview(app.database.db, decided.id);

    const result = await changeDeadlineRule(deps, admin, 'voice_template', SHORT);
    expect(result).toMatchObject({ kind: 'voice_template', before: { type: 'working_minutes', minutes: 540 }, after: SHORT, changed: true });
    expect(result.rulesVersion).toBe(await currentRulesVersion(app.database.db));

    const calendar = await storedCalendar();
    for (const v of open) {
      const expected = computeDueAt(new Date(v.submittedAt), SHORT, calendar).toISOString();
      expect(Date.parse(expected)).toBeLessThan(Date.parse(v.dueAt));
      await expect.poll(async () => (await view(v.id)).dueAt, { timeout: 30_000 }).toBe(expected);
      // The new at-risk instant is more than the signal horizon away: the recompute marked the round
      // for the deadline signaller instead of signalling it at once.
      const expectedRisk = atRiskAt(new Date(v.submittedAt), new Date(expected), AT_RISK_SHARE, calendar);
      const marked = await findReview(app.database.db, v.id);
      expect(marked?.timerSignalDueAt?.toISOString()).toBe(expectedRisk.toISOString());
      expect((await roundState(v.id)).deadline?.dueAt).toBe(v.dueAt);
    }
    // Shortly before those instants the signaller tells the workflows; their timers follow.
    const firstRisk = Math.min(...(await Promise.all(open.map(async (v) => (await findReview(app.database.db, v.id))!.timerSignalDueAt!.getTime()))));
    expect(await signalDueTimers(app.database.db, temporal, new Date(firstRisk - 5 * 60_000))).toBe(open.length);
    for (const v of open) {
      const expected = computeDueAt(new Date(v.submittedAt), SHORT, calendar).toISOString();
      await expect.poll(async () => (await roundState(v.id)).deadline?.dueAt, { timeout: 30_000 }).toBe(expected);
      expect((await findReview(app.database.db, v.id))?.timerSignalDueAt).toBeNull();
      const state = await roundState(v.id);
      expect(state.deadline?.atRiskAt).toBe(atRiskAt(new Date(v.submittedAt), new Date(expected), AT_RISK_SHARE, calendar).toISOString());
      const row = await findReview(app.database.db, v.id);
      expect(row).toMatchObject({ rulesVersion: result.rulesVersion, deadlineVersion: 1, dueRule: SHORT, slaState: 'on_track' });
      expect(state.deadline?.version).toBe(1);
    }

    const decidedAfter = await findReview(app.database.db, decided.id);
    expect(decidedAfter?.dueAt.toISOString()).toBe(decided.dueAt);
    expect(decidedAfter).toMatchObject({ status: 'approved', rulesVersion: decidedBefore!.rulesVersion, deadlineVersion: decidedBefore!.deadlineVersion });

    const stored = await ruleSetInForce(app.database.db, 'voice_template');
    expect(stored).toMatchObject({ version: 1, authorId: admin.id, rules: { deadlines: { review: SHORT } } });
    const audit = await app.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'rules.change'), eq(auditLog.objectId, 'voice_template')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, objectType: 'rule_set' });
    expect(audit[0]?.details).toMatchObject({
      changes: [{ path: 'deadlines.review', before: 'working_minutes 540', after: 'working_minutes 480' }],
      version: 1,
      rulesVersion: result.rulesVersion,
    });

    // A new submission is computed under the new rule from the start.
    const fresh = await submit('recomputeAfter');
    expect(fresh.dueAt).toBe(computeDueAt(new Date(fresh.submittedAt), SHORT, calendar).toISOString());
  });

  it('when someone other than an admin changes a rule, or the rule is invalid, then it is refused naming the field and nothing changes', async () => {
    const version = await currentRulesVersion(app.database.db);
    await expect(changeDeadlineRule(deps, reviewerActor, 'voice_template', SHORT)).rejects.toMatchObject({ status: 403 });
    await expect(changeDeadlineRule(deps, admin, 'voice_template', { type: 'working_minutes', minutes: -5 })).rejects.toMatchObject({
      status: 422,
      details: [{ path: 'rule.minutes', message: expect.stringContaining('negative') }],
    });
    await expect(changeDeadlineRule(deps, admin, 'voice_template', { type: 'weeks', weeks: 1 })).rejects.toMatchObject({ status: 422, details: [{ path: 'rule.type' }] });
    await expect(changeDeadlineRule(deps, admin, 'pizza', SHORT)).rejects.toMatchObject({ status: 422, details: [{ path: 'kind' }] });
    expect(await currentRulesVersion(app.database.db)).toBe(version);
  });

  it('when a rule change commits while a submission is in flight, then the submitter recomputes its own row', async () => {
    // The submission read version V and computed its deadline under the old rule; the change's
    // recompute pass ran before the row committed (simulated: the change requests no recompute).
    const before = await currentVersions(app.database.db);
    const v = await submit('recomputeRace');
    const row = (await findReview(app.database.db, v.id))!;
    expect(row.rulesVersion).toBe(before.rules);
    const longer: DeadlineRule = { type: 'working_minutes', minutes: 1080 };
    const next = await app.database.db.transaction(async (tx) => {
      const inForce = await ruleSetInForce(tx, 'voice_template');
      await appendRuleSetVersion(tx, { kind: 'voice_template', rules: { ...inForce.rules, deadlines: { review: longer } }, comment: 'race', authorId: admin.id, authorName: admin.name });
      return bumpRulesVersion(tx);
    });
    const after = await recomputeIfRulesMoved(app.database.db, row, before);
    const expected = computeDueAt(row.submittedAt, longer, await storedCalendar());
    expect(after.dueAt.toISOString()).toBe(expected.toISOString());
    expect(after).toMatchObject({ rulesVersion: next, dueRule: longer });
    // Unchanged versions: nothing to do.
    const same = await recomputeIfRulesMoved(app.database.db, after, await currentVersions(app.database.db));
    expect(same.deadlineVersion).toBe(after.deadlineVersion);
    await changeDeadlineRule(deps, admin, 'voice_template', SHORT);
  });

  it('when a rule change commits between a submission reading the versions and committing, then the round it started gets the earlier deadline in its row and its workflow', async () => {
    // As above, but through the start: the started mark reads the versions, finds them moved, and
    // the running round is recomputed and told (now, or by the deadline signaller when further off).
    const before = await currentVersions(app.database.db);
    const v = await submit('recomputeRaceStarted');
    const row = (await findReview(app.database.db, v.id))!;
    expect(row.workflowStartedAt).not.toBeNull();
    const shorter: DeadlineRule = { type: 'working_minutes', minutes: 240 };
    const next = await app.database.db.transaction(async (tx) => {
      const inForce = await ruleSetInForce(tx, 'voice_template');
      await appendRuleSetVersion(tx, { kind: 'voice_template', rules: { ...inForce.rules, deadlines: { review: shorter } }, comment: 'race after start', authorId: admin.id, authorName: admin.name });
      return bumpRulesVersion(tx);
    });
    const starter = { db: app.database.db, reviews: new ReviewClient(temporal, app.taskQueue), log: createLogger('silent') };
    const after = await startCatchingRuleChanges(starter, row, before);
    const calendar = await storedCalendar();
    const expected = computeDueAt(row.submittedAt, shorter, calendar);
    expect(after.dueAt.toISOString()).toBe(expected.toISOString());
    expect(after).toMatchObject({ rulesVersion: next, dueRule: shorter });
    expect(after.dueAt.getTime()).toBeLessThan(row.dueAt.getTime());
    await signalDueTimers(app.database.db, temporal, new Date(after.atRiskAt!.getTime() - 5 * 60_000));
    await expect.poll(async () => (await roundState(v.id)).deadline?.dueAt, { timeout: 30_000 }).toBe(expected.toISOString());
    await changeDeadlineRule(deps, admin, 'voice_template', SHORT);
  });
});

describe('changing the working calendar', () => {
  it('when a holiday is added on the day open deadlines fall, then they move later and an at-risk review is back on track', async () => {
    const v = await submit('holidayA');
    const w = await submit('holidayB');
    // Pretend w already went at risk: a later deadline takes it back to on track.
    await app.database.db.update(reviews).set({ slaState: 'at_risk' }).where(eq(reviews.id, w.id));
    const calendar = await storedCalendar();
    const day = localDateOf(new Date(v.dueAt), calendar);
    const before = await calendarVersion(app.database.db);

    const result = await changeCalendar(deps, admin, { add: [{ date: day, kind: 'holiday', name: '测试假日', nameEn: 'Test holiday' }] });
    expect(result.calendarVersion).toBe(before! + 1);

    const moved = await storedCalendar();
    for (const x of [v, w]) {
      const expected = computeDueAt(new Date(x.submittedAt), SHORT, moved).toISOString();
      expect(Date.parse(expected)).toBeGreaterThan(Date.parse(x.dueAt));
      await expect.poll(async () => (await view(x.id)).dueAt, { timeout: 30_000 }).toBe(expected);
    }
    await expect.poll(async () => (await findReview(app.database.db, w.id))?.slaState, { timeout: 30_000 }).toBe('on_track');
    const row = await findReview(app.database.db, v.id);
    expect(row).toMatchObject({ rulesVersion: result.rulesVersion, deadlineVersion: 1 });
    // Later needs no signal: the round re-reads its row when its (earlier) timer fires.
    expect((await roundState(v.id)).deadline?.dueAt).toBe(v.dueAt);

    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'calendar.change'));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ added: [{ date: day, kind: 'holiday' }], calendarVersion: result.calendarVersion, rulesVersion: result.rulesVersion });
  });

  it('when a calendar change is invalid, then it is refused with the field named and nothing changes', async () => {
    const versions = await currentVersions(app.database.db);
    const refused = async (change: unknown, path: string, message?: string) => {
      const err = await changeCalendar(deps, admin, change).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(change)).toMatchObject({ status: 422, code: 'validation_failed' });
      const details = (err as { details: { path: string; message: string }[] }).details;
      expect(details.map((d) => d.path), JSON.stringify(change)).toContain(path);
      if (message) expect(details.find((d) => d.path === path)?.message).toContain(message);
    };
    await refused({ timeZone: 'Mars/Olympus_Mons' }, 'timeZone', 'unknown');
    await refused({ opens: '18:00', closes: '09:00' }, 'closes', 'after opens');
    await refused({ opens: '9am' }, 'opens');
    await refused({ add: [{ date: '2026-12-01', kind: 'holiday' }, { date: '2026-12-01', kind: 'makeup' }] }, 'add.1.date', 'either a holiday or a make-up');
    await refused({ add: [{ date: '2026-10-10', kind: 'holiday' }] }, 'add.0.date', 'either a holiday or a make-up'); // a stored make-up day
    await refused({ add: [{ date: '2026-02-30', kind: 'holiday' }] }, 'add.0.date', 'real date');
    await refused({ add: [{ date: '26-1-1', kind: 'holiday' }] }, 'add.0.date');
    await refused({ remove: ['2031-06-03'] }, 'remove.0');
    await refused({}, '(body)', 'nothing to change');
    await expect(changeCalendar(deps, reviewerActor, { add: [{ date: '2026-12-01', kind: 'holiday' }] })).rejects.toMatchObject({ status: 403 });
    expect(await currentVersions(app.database.db)).toEqual(versions);
    expect(await app.database.db.select().from(auditLog).where(eq(auditLog.action, 'calendar.change'))).toHaveLength(1);
  });
});
