import { Router, type Request, type Response } from 'express';
import { importedSchedules, loadCalendar, scheduledYears, type StoredCalendar } from '../../db/calendars.js';
import { parseScheduleCsv } from '../../domain/schedule-csv.js';
import { scheduleWarning } from '../use-cases/schedule-warning.js';
import { chinaHolidayData } from '../../domain/holidays-cn.js';
import type { Language } from '../../domain/labels.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';
import { changeCalendar, type CalendarChange, type CalendarDayChange, type CalendarRestatement } from '../use-cases/change-calendar.js';
import { previewCalendar } from '../use-cases/preview-rules.js';
import type { Csrf } from './csrf.js';
import { redirectWith } from './flash.js';
import { hasForm, previewPaging } from './preview-pages.js';
import { isHtmx, renderPage, readerLanguage } from './render.js';
import { actorOf, fieldErrors } from './rules.js';
import { requireRole } from './session.js';
import { clip } from '../input-guard.js';

const OPS = ['exception', 'remove', 'window', 'import', 'csv'] as const;
type Op = (typeof OPS)[number];

/** What the admin typed in one of the page's forms, kept as typed. */
interface CalendarForm {
  op: Op;
  date: string;
  kind: string;
  name: string;
  nameEn: string;
  timeZone: string;
  opens: string;
  closes: string;
  importYear: string;
  /** A year's official schedule as CSV (date,type,name), pasted or read from a file. */
  csvYear: string;
  csv: string;
}

const str = (body: Record<string, unknown>, name: string, max = 200) => (typeof body[name] === 'string' ? clip((body[name] as string).trim(), max) : '');

function formOf(body: Record<string, unknown>): CalendarForm {
  const op = str(body, 'op') as Op;
  if (!OPS.includes(op)) throw new HttpError(400, 'bad_request', 'unknown calendar action');
  return {
    op,
    date: str(body, 'date', 20),
    kind: str(body, 'kind', 20),
    name: str(body, 'name', 100),
    nameEn: str(body, 'nameEn', 100),
    timeZone: str(body, 'timeZone', 64),
    opens: str(body, 'opens', 10),
    closes: str(body, 'closes', 10),
    importYear: str(body, 'importYear', 4),
    csvYear: str(body, 'csvYear', 4),
    csv: typeof body.csv === 'string' ? clip(body.csv, 40_000) : '',
  };
}

/** The year a CSV schedule is for, and its days; a refusal names each bad line. */
function csvSchedule(form: CalendarForm, lang: Language) {
  const year = /^\d{4}$/.test(form.csvYear) ? Number(form.csvYear) : NaN;
  if (!(year >= 1990 && year <= 2100)) {
    const message = translate(lang, 'schedule.yearInvalid');
    throw new HttpError(422, 'validation_failed', `invalid input: csvYear: ${message}`, [{ path: 'csvYear', message }]);
  }
  const { days, problems } = parseScheduleCsv(form.csv, year);
  if (problems.length > 0) {
    // Every bad line in one message beside the field, so all of them can be put right at once.
    const message = problems
      .slice(0, 20)
      .map((p) => translateWith(lang, `schedule.problem.${p.code}`, { line: String(p.line), value: p.value, year: String(year) }))
      .join(translate(lang, 'imageCheck.separator'));
    throw new HttpError(422, 'validation_failed', `invalid input: csv: ${message}`, [{ path: 'csv', message }]);
  }
  return { year, days, holidays: days.filter((d) => d.kind === 'holiday').length, makeUpDays: days.filter((d) => d.kind === 'makeup').length };
}

/** The year's exceptions made exactly `wanted`: days of another kind removed first, every wanted day (re)added. */
function replaceYear(stored: StoredCalendar, year: number, wanted: { date: string; kind: 'holiday' | 'makeup'; name?: string; nameEn?: string }[]): CalendarChange {
  const kindOfDay = (date: string) => (stored.spec.holidays.includes(date) ? 'holiday' : stored.spec.makeUpWorkdays.includes(date) ? 'makeup' : undefined);
  const wantedKind = new Map(wanted.map((w) => [w.date, w.kind]));
  const storedDays = [...stored.spec.holidays, ...stored.spec.makeUpWorkdays].filter((d) => d.startsWith(`${year}-`));
  return { remove: storedDays.filter((d) => wantedKind.get(d) !== kindOfDay(d)), add: wanted };
}

/**
 * The change a form asks for. Changing a day's kind (holiday ↔ make-up day) removes it and adds it
 * again in one change; importing a year makes the year's exceptions the holiday package's.
 */
function changeOf(form: CalendarForm, stored: StoredCalendar, lang: Language): CalendarChange {
  const kindOfDay = (date: string) => (stored.spec.holidays.includes(date) ? 'holiday' : stored.spec.makeUpWorkdays.includes(date) ? 'makeup' : undefined);
  switch (form.op) {
    case 'exception': {
      const existing = kindOfDay(form.date);
      const kind = form.kind as 'holiday' | 'makeup';
      return {
        ...(existing && existing !== kind ? { remove: [form.date] } : {}),
        add: [{ date: form.date, kind, ...(form.name ? { name: form.name } : {}), ...(form.nameEn ? { nameEn: form.nameEn } : {}) }],
      };
    }
    case 'remove':
      return { remove: [form.date] };
    case 'window':
      return { timeZone: form.timeZone, opens: form.opens, closes: form.closes };
    case 'import': {
      const data = chinaHolidayData();
      const year = Number(form.importYear);
      if (!data.years.includes(year)) throw new HttpError(422, 'validation_failed', `invalid input: importYear: the holiday data has no ${form.importYear}`, [{ path: 'importYear', message: `the holiday data covers ${data.years[0]}-${data.years[data.years.length - 1]}` }]);
      const inYear = (d: { date: string }) => d.date.startsWith(`${year}-`);
      return replaceYear(stored, year, [
        ...data.holidays.filter(inYear).map((d) => ({ date: d.date, kind: 'holiday' as const, name: d.nameZh, nameEn: d.name })),
        ...data.makeUpWorkdays.filter(inYear).map((d) => ({ date: d.date, kind: 'makeup' as const, name: d.nameZh, nameEn: d.name })),
      ]);
    }
    case 'csv': {
      const schedule = csvSchedule(form, lang);
      return replaceYear(stored, schedule.year, schedule.days);
    }
  }
}

/** A refusal's path as the form field it belongs beside. */
function calendarField(path: string): string {
  const m = /^(?:add|rename)\.\d+\.(\w+)$/.exec(path);
  if (m) return m[1] === 'nameEn' || m[1] === 'name' || m[1] === 'kind' ? m[1] : 'date';
  if (/^remove\.\d+$/.test(path) || path === 'remove' || path === 'add') return 'date';
  return path;
}

/** A stored day name is "中文|English"; the reader sees theirs. */
const nameIn = (stored: string, lang: Language) => {
  const [zh, en] = stored.split('|');
  return (lang === 'en' ? (en ?? zh) : zh) ?? '';
};

/** The restated change with each day's name in the reader's language. */
function changeInWords(change: CalendarRestatement, lang: Language) {
  const state = (d: CalendarDayChange['from']) => ({ kind: d.kind, name: nameIn(d.name, lang) });
  return { ...change, days: change.days.map((d) => ({ date: d.date, from: state(d.from), to: state(d.to) })) };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The holiday package's years as one range ("2004-2026"). */
const packageYears = () => {
  const years = chinaHolidayData().years;
  return years.length > 0 ? `${years[0]}–${years[years.length - 1]}` : '';
};

/** Twelve month grids (weeks start on Monday) with each day's kind and name. */
function yearView(stored: StoredCalendar, year: number, lang: Language) {
  const holidays = new Set(stored.spec.holidays);
  const makeUps = new Set(stored.spec.makeUpWorkdays);
  return Array.from({ length: 12 }, (_, m) => {
    const first = new Date(Date.UTC(year, m, 1));
    const lead = (first.getUTCDay() + 6) % 7;
    const count = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
    const cells: ({ day: number; date: string; kind: string; name: string } | null)[] = Array.from({ length: lead }, () => null);
    for (let d = 1; d <= count; d += 1) {
      const date = `${year}-${pad(m + 1)}-${pad(d)}`;
      const weekday = new Date(Date.UTC(year, m, d)).getUTCDay();
      const kind = holidays.has(date) ? 'holiday' : makeUps.has(date) ? 'makeup' : weekday === 0 || weekday === 6 ? 'weekend' : 'workday';
      cells.push({ day: d, date, kind, name: stored.names[lang][date] ?? '' });
    }
    while (cells.length % 7 !== 0) cells.push(null);
    const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
    return { month: m + 1, weeks };
  });
}

/** Admins keep the working calendar: holidays and make-up days per year, the daily window and zone, each change previewed first. */
export function calendarRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const admin = requireRole('admin');
  const changeDeps = () => ({ db: deps.db, log: deps.log, recompute: deps.reviews.recomputeTarget() });

  const stored = async () => {
    const cal = await loadCalendar(deps.db);
    if (!cal) throw notFound('calendar');
    return cal;
  };

  const page = async (req: Request, res: Response, year: number, extra: { form?: CalendarForm; errors?: Record<string, string>; preview?: unknown; previewSlot?: string; message?: { kind: string; text: string } } = {}, status = 200) => {
    const lang = readerLanguage(req, res);
    const cal = await stored();
    const inYear = (d: string) => d.startsWith(`${year}-`);
    const exceptions = [
      ...cal.spec.holidays.filter(inYear).map((date) => ({ date, kind: 'holiday' })),
      ...cal.spec.makeUpWorkdays.filter(inYear).map((date) => ({ date, kind: 'makeup' })),
    ]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((e) => ({ ...e, name: cal.names['zh-CN'][e.date] ?? '', nameEn: cal.names.en[e.date] ?? '' }));
    const editing = typeof req.query.date === 'string' ? exceptions.find((e) => e.date === req.query.date) : undefined;
    const form: CalendarForm = extra.form ?? {
      op: 'exception',
      date: editing?.date ?? (typeof req.query.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(req.query.date) ? req.query.date : ''),
      kind: editing?.kind ?? 'holiday',
      name: editing?.name ?? '',
      nameEn: editing?.nameEn ?? '',
      timeZone: cal.spec.timeZone,
      opens: cal.spec.opens,
      closes: cal.spec.closes,
      importYear: String(year),
      csvYear: String(year),
      csv: '',
    };
    renderPage(
      req,
      res,
      csrf,
      'calendar',
      null,
      {
        title: 'calendar.title',
        year,
        prevYear: year - 1,
        nextYear: year + 1,
        calendar: { ...cal.spec, version: cal.version },
        months: yearView(cal, year, lang),
        exceptions,
        counts: { holidays: exceptions.filter((e) => e.kind === 'holiday').length, makeUps: exceptions.filter((e) => e.kind === 'makeup').length },
        importYears: chinaHolidayData().years,
        scheduled: { package: packageYears(), imported: await importedSchedules(deps.db), year: (await scheduledYears(deps.db)).includes(year) },
        scheduleWarning: await scheduleWarning(deps),
        csvForm: form.op === 'csv' ? form : { csvYear: String(year), csv: '' },
        form,
        // The window form always shows the stored values unless it was the form sent.
        windowForm: form.op === 'window' ? form : { timeZone: cal.spec.timeZone, opens: cal.spec.opens, closes: cal.spec.closes },
        exceptionForm: form.op === 'exception' || form.op === 'remove' ? form : { date: '', kind: 'holiday', name: '', nameEn: '' },
        errors: extra.errors ?? {},
        preview: extra.preview,
        previewSlot: extra.previewSlot,
        message: extra.message,
      },
      status,
    );
  };

  const yearOf = (value: unknown) => {
    const y = typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : new Date().getUTCFullYear();
    return Math.min(2100, Math.max(1990, y));
  };

  r.get('/admin/calendar', admin, async (req, res) => {
    await page(req, res, yearOf(req.query.year));
  });

  /** The preview of one of the page's forms, beside that form's buttons: from a POST (the button) or a GET (a page of moved reviews). */
  const preview = async (req: Request, res: Response, fields: Record<string, unknown>) => {
    const form = formOf(fields);
    const year = yearOf(str(fields, 'year', 4) || form.date.slice(0, 4) || form.importYear || form.csvYear);
    const lang = readerLanguage(req, res);
    const previewSlot = form.op === 'remove' ? `calendar-preview-remove-${form.date}` : `calendar-preview-${form.op}`;
    try {
      const { change, impact } = await previewCalendar(changeDeps(), actorOf(res), changeOf(form, await stored(), lang), { page: fields.page });
      const schedule = form.op === 'csv' ? csvSchedule(form, lang) : undefined;
      const data = {
        change: changeInWords(change, lang),
        impact,
        paging: previewPaging('/admin/calendar/preview', fields, impact),
        schedule: schedule ? { year: schedule.year, holidays: schedule.holidays, makeUpDays: schedule.makeUpDays } : undefined,
      };
      if (isHtmx(req)) {
        res.vary('HX-Request');
        res.render('partials/calendar-preview', { layout: false, lang, preview: data, slot: previewSlot });
        return;
      }
      await page(req, res, year, { form, preview: data, previewSlot });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      const errors = fieldErrors(err, calendarField);
      if (isHtmx(req)) {
        res.vary('HX-Request');
        res.status(422).render('partials/calendar-preview', { layout: false, lang, slot: previewSlot, previewErrors: Object.entries(errors).map(([field, message]) => ({ field, message })) });
        return;
      }
      await page(req, res, year, { form, errors }, 422);
    }
  };

  r.post('/admin/calendar/preview', admin, csrf.protect, async (req, res) => preview(req, res, req.body as Record<string, unknown>));

  r.get('/admin/calendar/preview', admin, async (req, res) => {
    if (!hasForm(req.query)) return res.redirect('/admin/calendar');
    await preview(req, res, req.query);
  });

  r.post('/admin/calendar', admin, csrf.protect, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const form = formOf(body);
    const year = yearOf(str(body, 'year', 4) || form.date.slice(0, 4) || form.importYear || form.csvYear);
    const lang = readerLanguage(req, res);
    try {
      const schedule = form.op === 'csv' ? csvSchedule(form, lang) : undefined;
      await changeCalendar(changeDeps(), actorOf(res), changeOf(form, await stored(), lang), undefined, schedule ? { schedule: { year: schedule.year, holidays: schedule.holidays, makeUpDays: schedule.makeUpDays } } : {});
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 422) throw err;
      await page(req, res, year, { form, errors: fieldErrors(err, calendarField) }, 422);
      return;
    }
    redirectWith(res, `/admin/calendar?year=${year}`, { kind: 'ok', key: 'calendar.saved' });
  });

  return r;
}
