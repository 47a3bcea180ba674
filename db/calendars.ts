import { eq, inArray, sql } from 'drizzle-orm';
import { calendarDays, calendarSchedules, calendars, reviews } from './schema.js';
import type { Db, Tx } from './client.js';
import { chinaHolidayData, defaultCalendarSpec } from '../domain/holidays-cn.js';
import type { CalendarSpec } from '../domain/working-time.js';
import { OPEN_STATUSES } from '../domain/review.js';

export const DEFAULT_CALENDAR_ID = 'default';

export interface StoredCalendar {
  id: string;
  spec: CalendarSpec;
  version: number;
  /** Names of the dated exceptions, "YYYY-MM-DD" → name, per language. */
  names: { 'zh-CN': Record<string, string>; en: Record<string, string> };
  /** Years with an official schedule: the holiday package's and those an admin imported. */
  scheduledYears: number[];
}

/** Years whose schedule an admin imported, with when and by whom. */
export async function importedSchedules(db: Db | Tx, id = DEFAULT_CALENDAR_ID) {
  return db.select().from(calendarSchedules).where(eq(calendarSchedules.calendarId, id)).orderBy(calendarSchedules.year);
}

/** The package's years and the imported ones: what "an official schedule is loaded" means per year. */
export async function scheduledYears(db: Db | Tx, id = DEFAULT_CALENDAR_ID): Promise<number[]> {
  const imported = await importedSchedules(db, id);
  return [...new Set([...chinaHolidayData().years, ...imported.map((r) => r.year)])].sort((a, b) => a - b);
}

/** Records that a year's official schedule was imported (in the calendar change's transaction). */
export async function recordSchedule(tx: Tx, row: { calendarId: string; year: number; holidays: number; makeUpDays: number; importedBy: string | null }): Promise<void> {
  await tx
    .insert(calendarSchedules)
    .values(row)
    .onConflictDoUpdate({ target: [calendarSchedules.calendarId, calendarSchedules.year], set: { holidays: row.holidays, makeUpDays: row.makeUpDays, importedBy: row.importedBy, importedAt: sql`now()` } });
}

/**
 * Seeds the default calendar (Asia/Shanghai, 09:00-18:00, mainland China's holidays and
 * make-up days for every year the holiday package covers) when it does not exist yet.
 */
export async function ensureDefaultCalendar(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    const spec = defaultCalendarSpec();
    const inserted = await tx
      .insert(calendars)
      .values({ id: DEFAULT_CALENDAR_ID, timeZone: spec.timeZone, opens: spec.opens, closes: spec.closes })
      .onConflictDoNothing({ target: calendars.id })
      .returning({ id: calendars.id });
    if (inserted.length === 0) return;
    const data = chinaHolidayData();
    const rows = [
      ...data.holidays.map((d) => ({ calendarId: DEFAULT_CALENDAR_ID, date: d.date, kind: 'holiday' as const, name: `${d.nameZh}|${d.name}` })),
      ...data.makeUpWorkdays.map((d) => ({ calendarId: DEFAULT_CALENDAR_ID, date: d.date, kind: 'makeup' as const, name: `${d.nameZh}|${d.name}` })),
    ];
    for (let i = 0; i < rows.length; i += 500) await tx.insert(calendarDays).values(rows.slice(i, i + 500)).onConflictDoNothing();
  });
}

export async function calendarVersion(db: Db | Tx, id = DEFAULT_CALENDAR_ID): Promise<number | undefined> {
  const [row] = await db.select({ version: calendars.version }).from(calendars).where(eq(calendars.id, id));
  return row?.version;
}

export async function loadCalendar(db: Db | Tx, id = DEFAULT_CALENDAR_ID): Promise<StoredCalendar | undefined> {
  const [cal] = await db.select().from(calendars).where(eq(calendars.id, id));
  if (!cal) return undefined;
  const days = await db.select().from(calendarDays).where(eq(calendarDays.calendarId, id)).orderBy(calendarDays.date);
  const names: StoredCalendar['names'] = { 'zh-CN': {}, en: {} };
  for (const d of days) {
    const [zh, en] = d.name.split('|');
    names['zh-CN'][d.date] = zh ?? '';
    names.en[d.date] = en ?? zh ?? '';
  }
  return {
    id,
    version: cal.version,
    names,
    scheduledYears: await scheduledYears(db, id),
    spec: {
      timeZone: cal.timeZone,
      opens: cal.opens,
      closes: cal.closes,
      holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.date),
      makeUpWorkdays: days.filter((d) => d.kind === 'makeup').map((d) => d.date),
    },
  };
}

export async function bumpCalendarVersion(tx: Tx, id: string, staffId: string | null): Promise<number> {
  const [row] = await tx
    .update(calendars)
    .set({ version: sql`${calendars.version} + 1`, updatedAt: sql`now()`, updatedBy: staffId })
    .where(eq(calendars.id, id))
    .returning({ version: calendars.version });
  if (!row) throw new Error(`calendar ${id} not found`);
  return row.version;
}

/** Open reviews (and orders in provisioning) by the year of their deadline in the calendar's zone. */
export async function openDeadlinesByYear(db: Db | Tx, timeZone: string): Promise<Map<number, number>> {
  const rows = await db.execute<{ year: number; n: number }>(sql`
    select extract(year from ${reviews.dueAt} at time zone ${timeZone})::int as year, count(*)::int as n
    from ${reviews} where ${inArray(reviews.status, [...OPEN_STATUSES])} group by 1`);
  return new Map([...rows].map((r) => [Number(r.year), Number(r.n)]));
}
