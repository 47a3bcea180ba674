import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { reviewEvents, reviews } from '../../db/schema.js';
import type { ReviewKind, SlaState } from '../../domain/review.js';

/**
 * Reviews and their timelines written straight into the tables, with known kinds, deadline
 * states, due and decision times, so figures can be checked against counts made from the
 * fixtures themselves. Rows are marked started so the worker's sweeper leaves them alone.
 */

export type EventType = 'submitted' | 'resubmitted' | 'approved' | 'rejected' | 'breached' | 'reminded' | 'reminder_replied' | 'reminder_escalated';

export interface FixtureEvent {
  type: EventType;
  at: Date;
  round?: number;
  /** Decisions and replies: who. Null for the automatic check. */
  by?: { id: string; name: string } | null;
  /** Decisions: the deadline recorded with the decision; omitted for decisions recorded before it was. */
  dueAt?: Date;
  /** Reminders and escalations: which reminder of the round. */
  number?: number;
}

export interface FixtureReview {
  key: string;
  kind: ReviewKind;
  tenantId: string;
  status: 'pending' | 'approved' | 'rejected';
  round?: number;
  dueAt: Date;
  sla?: SlaState;
  assigneeId?: string | null;
  reminderAnswerDueAt?: Date | null;
  events: FixtureEvent[];
}

export async function insertFixtures(db: Db, fixtures: FixtureReview[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const f of fixtures) {
    const id = randomUUID();
    ids.set(f.key, id);
    const round = f.round ?? 1;
    const submissions = f.events.filter((e) => e.type === 'submitted' || e.type === 'resubmitted');
    const firstAt = submissions[0]?.at ?? new Date(f.dueAt.getTime() - 86_400_000);
    const lastAt = submissions[submissions.length - 1]?.at ?? firstAt;
    const decision = f.status === 'pending' ? undefined : [...f.events].reverse().find((e) => e.type === 'approved' || e.type === 'rejected');
    await db.insert(reviews).values({
      id,
      kind: f.kind,
      tenantId: f.tenantId,
      subjectId: `FX${randomBytes(8).toString('hex')}`,
      title: `fixture ${f.key}`,
      round,
      status: f.status,
      submittedAt: lastAt,
      firstSubmittedAt: firstAt,
      dueAt: f.dueAt,
      dueRule: { type: 'working_minutes', minutes: 540 },
      slaState: f.sla ?? 'on_track',
      assigneeId: f.assigneeId ?? null,
      reminderStatus: f.events.some((e) => e.type === 'reminded') ? 'reminded' : 'none',
      reminderAnswerDueAt: f.reminderAnswerDueAt ?? null,
      decisionOutcome: decision ? (decision.type as 'approved' | 'rejected') : null,
      decidedAt: decision?.at ?? null,
      decidedBy: decision?.by?.id ?? null,
      workflowId: `review-${id}-round-${round}`,
      workflowStartedAt: new Date(),
    });
    for (const e of f.events) {
      const decisionEvent = e.type === 'approved' || e.type === 'rejected';
      await db.insert(reviewEvents).values({
        reviewId: id,
        round: e.round ?? round,
        type: e.type,
        actorType: e.type === 'submitted' || e.type === 'resubmitted' || e.type === 'reminded' ? 'tenant' : e.by ? 'staff' : 'system',
        actorId: e.by?.id ?? null,
        actorName: e.by?.name ?? (decisionEvent ? 'automatic check' : null),
        data: {
          ...(decisionEvent && e.dueAt ? { dueAt: e.dueAt.toISOString() } : {}),
          ...(e.number !== undefined ? { number: e.number } : {}),
        },
        at: e.at,
      });
    }
  }
  return ids;
}

/** The figures' definitions, applied to the fixtures in plain code: what the pages must show. */
export function expectedFigures(fixtures: FixtureReview[], from: Date, to: Date, scope: { staffId?: string } = {}) {
  const inPeriod = (at: Date) => at >= from && at < to;
  const mine = (f: FixtureReview, e: FixtureEvent) =>
    !scope.staffId || (e.type === 'approved' || e.type === 'rejected' ? e.by?.id === scope.staffId : f.assigneeId === scope.staffId);
  const all = fixtures.flatMap((f) => f.events.map((e) => ({ f, e, round: e.round ?? f.round ?? 1 }))).filter(({ f, e }) => inPeriod(e.at) && mine(f, e));
  const decisions = all.filter(({ e }) => e.type === 'approved' || e.type === 'rejected');
  const onTime = decisions.filter(({ f, e, round }) => e.at.getTime() <= (e.dueAt ?? (round === (f.round ?? 1) ? f.dueAt : e.at)).getTime());
  const reminders = all.filter(({ e }) => e.type === 'reminded');
  const answered = reminders.filter(({ f, e, round }) =>
    f.events.some((a) => (a.round ?? f.round ?? 1) === round && ['reminder_replied', 'approved', 'rejected'].includes(a.type) && a.at >= e.at),
  );
  const escalated = reminders.filter(({ f, e, round }) => f.events.some((x) => x.type === 'reminder_escalated' && (x.round ?? f.round ?? 1) === round && x.number === e.number));
  const open = reminders.filter((r) => !answered.includes(r) && r.f.status === 'pending' && r.round === (r.f.round ?? 1));
  return {
    submitted: all.filter(({ e }) => e.type === 'submitted' || e.type === 'resubmitted').length,
    decided: decisions.length,
    approved: decisions.filter(({ e }) => e.type === 'approved').length,
    rejected: decisions.filter(({ e }) => e.type === 'rejected').length,
    onTime: onTime.length,
    late: decisions.length - onTime.length,
    breached: all.filter(({ e }) => e.type === 'breached').length,
    reminders: reminders.length,
    remindersAnswered: answered.length,
    remindersEscalated: escalated.length,
    remindersOpen: open.length,
    byReviewer: (id: string | null) => {
      const theirs = decisions.filter(({ e }) => (e.by?.id ?? null) === id);
      return { decided: theirs.length, onTime: theirs.filter((d) => onTime.includes(d)).length };
    },
  };
}

/** Markup with Handlebars' entity escapes turned back into characters, for comparing attribute values. */
export function unescapeHtml(html: string): string {
  const named: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', '#x27': "'", '#x3D': '=', '#x60': '`', '#39': "'" };
  return html.replace(/&(amp|quot|lt|gt|#x27|#x3D|#x60|#39);/g, (_m, e: string) => named[e]!);
}

/** The text of the element marked data-figure="name". */
export function figure(html: string, name: string): string | undefined {
  return new RegExp(`data-figure="${name}"[^>]*>([^<]*)<`).exec(html)?.[1]?.trim();
}

/** A small RFC 4180 reader for the exports (quotes, doubled quotes, CRLF), dropping the byte-order mark. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
