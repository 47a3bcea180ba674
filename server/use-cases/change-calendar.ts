import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { bumpCalendarVersion, DEFAULT_CALENDAR_ID, recordSchedule } from '../../db/calendars.js';
import { bumpRulesVersion, currentRulesVersion } from '../../db/rules-version.js';
import { calendarDays, calendars } from '../../db/schema.js';
import type { Db, Tx } from '../../db/client.js';
import type { Actor } from '../../domain/review.js';
import { createCalendar, WorkingTimeError, type CalendarSpec } from '../../domain/working-time.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { askForRecompute, requireAdmin, type RuleChangeDeps } from './rule-change.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"');
const dayName = z.string().trim().min(1).max(100);

/** An admin's change to the working calendar: any of the window, the zone and dated exceptions. */
export const calendarChange = z
  .object({
    timeZone: z.string().trim().min(1).max(64).optional(),
    opens: z.string().max(5).optional(),
    closes: z.string().max(5).optional(),
    /** New exceptions: a public holiday (not working) or a make-up working day (调休). `name` is Chinese, `nameEn` English (default: `name`). */
    add: z.array(z.object({ date: isoDate, kind: z.enum(['holiday', 'makeup']), name: dayName.optional(), nameEn: dayName.optional() }).strict()).max(2000).optional(),
    /** Dates whose exception is removed (they become ordinary days again). */
    remove: z.array(isoDate).max(2000).optional(),
    rename: z.array(z.object({ date: isoDate, name: dayName, nameEn: dayName.optional() }).strict()).max(2000).optional(),
  })
  .strict()
  .refine((c) => c.timeZone !== undefined || c.opens !== undefined || c.closes !== undefined || c.add?.length || c.remove?.length || c.rename?.length, {
    message: 'nothing to change: give timeZone, opens, closes, add, remove or rename',
  });
export type CalendarChange = z.infer<typeof calendarChange>;

export interface CalendarChangeResult {
  calendarVersion: number;
  /** The rules version open deadlines are being brought up to (unchanged for a rename only). */
  rulesVersion: number;
  spec: Pick<CalendarSpec, 'timeZone' | 'opens' | 'closes'> & { holidays: number; makeUpWorkdays: number };
}

interface Day {
  kind: 'holiday' | 'makeup';
  name: string;
}

/** Stored as "中文|English", like the seeded days. */
const DEFAULT_NAMES = { holiday: '假日|Holiday', makeup: '调休上班|Make-up working day' } as const;

const refuse = (path: string, message: string) => new HttpError(422, 'validation_failed', `invalid input: ${path}: ${message}`, [{ path, message }]);

/**
 * An admin changes the working calendar. The whole resulting calendar is validated
 * (createCalendar: unknown zone, closes before opens, a date both holiday and make-up day,
 * impossible dates) before anything is written; the change, the calendar and rules versions and
 * the audit row commit together, then open deadlines are recomputed.
 */
export async function changeCalendar(
  deps: RuleChangeDeps,
  actor: Actor,
  change: unknown,
  calendarId = DEFAULT_CALENDAR_ID,
  /** The change is a year's official schedule: from now on that year counts as scheduled. */
  opts: { schedule?: { year: number; holidays: number; makeUpDays: number } } = {},
): Promise<CalendarChangeResult> {
  requireAdmin(actor, 'the working calendar');
  const parsed = calendarChange.safeParse(change);
  if (!parsed.success) throw validationFailed(parsed.error);
  const c = parsed.data;

  const result = await deps.db.transaction(async (tx) => {
    const { cal, spec, added, removed, renamed, workingTimeChanged } = await planCalendarChange(tx, c, calendarId, true);
    // Write: the window and zone, then the exceptions.
    if (c.timeZone !== undefined || c.opens !== undefined || c.closes !== undefined) {
      await tx.update(calendars).set({ timeZone: spec.timeZone, opens: spec.opens, closes: spec.closes }).where(eq(calendars.id, calendarId));
    }
    if (removed.length > 0) {
      await tx.delete(calendarDays).where(and(eq(calendarDays.calendarId, calendarId), inArray(calendarDays.date, removed.map((r) => r.date))));
    }
    for (const a of added) {
      await tx
        .insert(calendarDays)
        .values({ calendarId, date: a.date, kind: a.kind, name: a.name })
        .onConflictDoUpdate({ target: [calendarDays.calendarId, calendarDays.date], set: { kind: a.kind, name: a.name } });
    }
    for (const r of renamed) {
      if (added.some((a) => a.date === r.date)) continue;
      await tx.update(calendarDays).set({ name: r.to }).where(and(eq(calendarDays.calendarId, calendarId), eq(calendarDays.date, r.date)));
    }

    if (opts.schedule) await recordSchedule(tx, { calendarId, ...opts.schedule, importedBy: actor.id });
    const calendarVersion = await bumpCalendarVersion(tx, calendarId, actor.id);
    // A rename changes no deadline: only changes of working time bump the rules version.
    const rulesVersion = workingTimeChanged ? await bumpRulesVersion(tx) : await currentRulesVersion(tx);
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'calendar.change',
      objectType: 'calendar',
      objectId: calendarId,
      details: {
        before: { timeZone: cal.timeZone, opens: cal.opens, closes: cal.closes },
        after: { timeZone: spec.timeZone, opens: spec.opens, closes: spec.closes },
        added,
        removed,
        renamed,
        calendarVersion,
        rulesVersion,
        ...(opts.schedule ? { scheduleImported: opts.schedule } : {}),
      },
    });
    return {
      calendarVersion,
      rulesVersion,
      workingTimeChanged,
      spec: { timeZone: spec.timeZone, opens: spec.opens, closes: spec.closes, holidays: spec.holidays.length, makeUpWorkdays: spec.makeUpWorkdays.length },
    };
  });

  if (result.workingTimeChanged) await askForRecompute(deps, 'calendar', result.rulesVersion);
  return { calendarVersion: result.calendarVersion, rulesVersion: result.rulesVersion, spec: result.spec };
}

/**
 * The calendar a change would leave, checked whole before anything is written: the save and the
 * what-if preview both start here. `lock` holds the calendar row for the saving transaction.
 */
async function planCalendarChange(tx: Db | Tx, c: CalendarChange, calendarId: string, lock: boolean) {
  // Row lock: concurrent calendar changes apply one after the other, each to the other's result.
  const query = tx.select().from(calendars).where(eq(calendars.id, calendarId));
  const [cal] = lock ? await query.for('update') : await query;
  if (!cal) throw notFound('calendar');
  const days = new Map<string, Day>();
  for (const d of await tx.select().from(calendarDays).where(eq(calendarDays.calendarId, calendarId))) days.set(d.date, { kind: d.kind, name: d.name });

  const before = new Map(days);
  const removed: { date: string; kind: string; name: string }[] = [];
  (c.remove ?? []).forEach((date, i) => {
    const day = days.get(date);
    if (!day) throw refuse(`remove.${i}`, `${date} is neither a holiday nor a make-up working day`);
    days.delete(date);
    removed.push({ date, ...day });
  });

  // The resulting lists, each entry remembering where it came from so a refusal names the field.
  const holidays: { date: string; path: string }[] = [];
  const makeUps: { date: string; path: string }[] = [];
  for (const [date, day] of days) (day.kind === 'holiday' ? holidays : makeUps).push({ date, path: `stored ${day.kind} ${date}` });
  const added: { date: string; kind: 'holiday' | 'makeup'; name: string }[] = [];
  const seen = new Map<string, number>();
  (c.add ?? []).forEach((a, i) => {
    const twice = seen.get(a.date);
    if (twice !== undefined && (c.add ?? [])[twice]?.kind === a.kind) throw refuse(`add.${i}.date`, `${a.date} is listed twice`);
    seen.set(a.date, i);
    const existing = days.get(a.date);
    if (existing?.kind !== a.kind) (a.kind === 'holiday' ? holidays : makeUps).push({ date: a.date, path: `add.${i}.date` });
    // Without a name: an existing day of the same kind keeps its own, a new one gets a plain one.
    const fallback = existing?.kind === a.kind ? existing.name : DEFAULT_NAMES[a.kind];
    const name = a.name === undefined ? fallback : `${a.name}|${a.nameEn ?? a.name}`;
    added.push({ date: a.date, kind: a.kind, name });
  });

  const spec: CalendarSpec = {
    timeZone: c.timeZone ?? cal.timeZone,
    opens: c.opens ?? cal.opens,
    closes: c.closes ?? cal.closes,
    holidays: holidays.map((h) => h.date),
    makeUpWorkdays: makeUps.map((m) => m.date),
  };
  try {
    createCalendar(spec);
  } catch (err) {
    if (!(err instanceof WorkingTimeError)) throw err;
    const message = err.message.replace(/^[^:]*: /, '');
    throw refuse(fieldPath(err.field, message, holidays, makeUps), message);
  }

  const renamed: { date: string; from: string; to: string }[] = [];
  const addedDates = new Set(added.map((a) => a.date));
  (c.rename ?? []).forEach((r, i) => {
    const day = days.get(r.date);
    if (!day && !addedDates.has(r.date)) throw refuse(`rename.${i}.date`, `${r.date} is neither a holiday nor a make-up working day`);
    const to = `${r.name}|${r.nameEn ?? r.name}`;
    renamed.push({ date: r.date, from: day?.name ?? added.find((a) => a.date === r.date)?.name ?? '', to });
    const a = added.find((x) => x.date === r.date);
    if (a) a.name = to;
  });
  const workingTimeChanged =
    spec.timeZone !== cal.timeZone || spec.opens !== cal.opens || spec.closes !== cal.closes || removed.length > 0 || added.some((a) => days.get(a.date)?.kind !== a.kind);
  return { cal, days, spec, added, removed, renamed, workingTimeChanged, restated: restate(cal, spec, before, daysAfter(days, added, renamed)) };
}

/** The exceptions once the change is made: what is left after removals, with the added and renamed days. */
function daysAfter(kept: Map<string, Day>, added: { date: string; kind: 'holiday' | 'makeup'; name: string }[], renamed: { date: string; to: string }[]) {
  const after = new Map(kept);
  for (const a of added) after.set(a.date, { kind: a.kind, name: a.name });
  for (const r of renamed) {
    const d = after.get(r.date);
    if (d) after.set(r.date, { ...d, name: r.to });
  }
  return after;
}

type DayState = { kind: 'holiday' | 'makeup' | 'ordinary'; name: string };

/** One day a calendar change touches, from what it was to what it becomes; names are stored "中文|English". */
export interface CalendarDayChange {
  date: string;
  from: DayState;
  to: DayState;
}

/** A calendar change said again: the window and zone before and after (when they change), and each day touched. */
export interface CalendarRestatement {
  window?: { from: Pick<CalendarSpec, 'timeZone' | 'opens' | 'closes'>; to: Pick<CalendarSpec, 'timeZone' | 'opens' | 'closes'> };
  days: CalendarDayChange[];
}

function restate(cal: { timeZone: string; opens: string; closes: string }, spec: CalendarSpec, before: Map<string, Day>, after: Map<string, Day>): CalendarRestatement {
  const state = (d: Day | undefined): DayState => (d ? { kind: d.kind, name: d.name } : { kind: 'ordinary', name: '' });
  const dates = new Set([...before.keys(), ...after.keys()]);
  const days = [...dates]
    .filter((date) => before.get(date)?.kind !== after.get(date)?.kind || before.get(date)?.name !== after.get(date)?.name)
    .sort()
    .map((date) => ({ date, from: state(before.get(date)), to: state(after.get(date)) }));
  const windowChanged = spec.timeZone !== cal.timeZone || spec.opens !== cal.opens || spec.closes !== cal.closes;
  return {
    ...(windowChanged ? { window: { from: { timeZone: cal.timeZone, opens: cal.opens, closes: cal.closes }, to: { timeZone: spec.timeZone, opens: spec.opens, closes: spec.closes } } } : {}),
    days,
  };
}

/**
 * createCalendar names `holidays[3]`; the admin wrote `add.1.date`. For a date in both lists it
 * names the make-up entry and mentions the holiday's: whichever of the two the admin added is named.
 */
function fieldPath(field: string, message: string, holidays: { path: string }[], makeUps: { path: string }[]): string {
  const m = /^(holidays|makeUpWorkdays)\[(\d+)\]$/.exec(field);
  if (!m) return field;
  const list = m[1] === 'holidays' ? holidays : makeUps;
  const path = list[Number(m[2])]?.path ?? field;
  const other = /listed in holidays\[(\d+)\]/.exec(message);
  if (path.startsWith('stored') && other) return holidays[Number(other[1])]?.path ?? path;
  return path;
}

/** The calendar an admin's change would leave, without writing it (the what-if preview). */
export async function proposedCalendar(deps: Pick<RuleChangeDeps, 'db'>, actor: Actor, change: unknown, calendarId = DEFAULT_CALENDAR_ID): Promise<{ spec: CalendarSpec; workingTimeChanged: boolean; restated: CalendarRestatement }> {
  requireAdmin(actor, 'the working calendar');
  const parsed = calendarChange.safeParse(change);
  if (!parsed.success) throw validationFailed(parsed.error);
  const { spec, workingTimeChanged, restated } = await planCalendarChange(deps.db, parsed.data, calendarId, false);
  return { spec, workingTimeChanged, restated };
}
