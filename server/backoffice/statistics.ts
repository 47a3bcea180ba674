import { Router, type Request, type Response } from 'express';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { dailyFigures, reviewerFigures, sumFigures, type FigureScope } from '../../db/review-figures.js';
import { tenants } from '../../db/schema.js';
import { findTenantByName } from '../../db/tenants.js';
import type { Language } from '../../domain/labels.js';
import { checkPeriod, dayIn, daysOf, lastAllowedDay, lastDays, MAX_PERIOD_MONTHS, type DayRange } from '../../domain/reporting-period.js';
import { type ReviewKind } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { DISPLAY_TIME_ZONE, formatDay } from '../../i18n/format.js';
import { translate, translateWith } from '../../i18n/index.js';
import { CSV_CONTENT_TYPE, csvDocument } from '../insight/csv.js';
import { presetLinks } from '../insight/period-presets.js';
import { dailyCharts, dayRows, kindRows, reviewerRows, share, throughputChart } from '../insight/figures-view.js';
import { kindLabel } from '../insight/labels.js';
import { dailyTable, reviewerTable, statisticsWorkbook, type StatisticsData } from '../insight/statistics-export.js';
import type { Csrf } from './csrf.js';
import { queueQuery, queueUrl } from './queue-filters.js';
import { INSIGHT_READERS } from './insight-access.js';
import { renderPage, readerLanguage } from './render.js';
import { requireRole, staffOf } from './session.js';

const DEFAULT_DAYS = 30;
const text = z.string().max(200).optional().catch(undefined).transform((v) => (v ?? '').trim());

/** The filter form as typed: shown back unchanged beside any refusal. */
const form = z.object({
  kind: z.enum(REVIEW_KINDS).optional().catch(undefined),
  tenant: text,
  from: text,
  to: text,
});
type StatisticsForm = z.infer<typeof form>;

const exportChoice = z.enum(['csv-daily', 'csv-reviewers', 'xlsx']);

interface Applied {
  range: DayRange;
  kind?: ReviewKind;
  tenant?: { id: string; name: string };
}

type Checked = { ok: true; applied: Applied } | { ok: false; errors: Partial<Record<'from' | 'to' | 'tenant', string>> };

async function checkForm(deps: AppDeps, f: StatisticsForm, lang: Language): Promise<Checked> {
  const errors: Partial<Record<'from' | 'to' | 'tenant', string>> = {};
  const today = dayIn(deps.now(), DISPLAY_TIME_ZONE);
  const period = checkPeriod({ from: f.from, to: f.to }, { fallback: lastDays(today, DEFAULT_DAYS), maxMonths: MAX_PERIOD_MONTHS });
  if (!period.ok) {
    for (const p of period.problems) {
      errors[p.field] ??=
        p.code === 'too_long' ? translateWith(lang, 'insight.problem.too_long', { last: formatDay(lastAllowedDay(f.from), lang) }) : translate(lang, `insight.problem.${p.code}`);
    }
  }
  let tenant: Applied['tenant'];
  if (f.tenant) {
    const row = await findTenantByName(deps.db, f.tenant);
    if (row) tenant = { id: row.id, name: row.name };
    else errors.tenant = translateWith(lang, 'insight.problem.unknownTenant', { name: f.tenant });
  }
  if (!period.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, applied: { range: period.range, kind: f.kind, tenant } };
}

async function gather(deps: AppDeps, a: Applied): Promise<StatisticsData> {
  const scope: FigureScope = { kind: a.kind, tenantId: a.tenant?.id };
  const period = { ...a.range, timeZone: DISPLAY_TIME_ZONE };
  const [daily, reviewers] = await Promise.all([dailyFigures(deps.db, period, scope), reviewerFigures(deps.db, period, scope)]);
  return { range: a.range, kinds: a.kind ? [a.kind] : REVIEW_KINDS, filters: { kind: a.kind ?? '', tenant: a.tenant?.name ?? '' }, daily, reviewers };
}

/** The queue showing what a bar counts (a submission day, a decision day, a decider), any status, within the page's kind and tenant. */
function inQueue(filters: Record<string, string>, kind: string, tenantId: string | undefined): string {
  return queueUrl(queueQuery.parse({ ...filters, status: 'all', kind: kind || undefined, tenant: tenantId }));
}

/** Tenants offered as the reader types a name (the browser's own suggestion list, no script). */
async function tenantNames(deps: AppDeps): Promise<string[]> {
  const rows = await deps.db.select({ name: tenants.name }).from(tenants).orderBy(asc(tenants.name)).limit(500);
  return rows.map((r) => r.name);
}

/** Submissions, decisions on time and late, reminders and throughput, per kind and day; exported as CSV or .xlsx. */
export function statisticsRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const readers = requireRole(...INSIGHT_READERS);

  const show = async (req: Request, res: Response, f: StatisticsForm) => {
    const lang = readerLanguage(req, res);
    const checked = await checkForm(deps, f, lang);
    const common = {
      title: 'insight.statistics.title',
      kinds: REVIEW_KINDS.map((k) => ({ value: k, label: kindLabel(k, lang), selected: k === f.kind })),
      tenantNames: await tenantNames(deps),
      presets: presetLinks(dayIn(deps.now(), DISPLAY_TIME_ZONE), lang, checked.ok ? checked.applied.range : f, (range) => {
        const p = new URLSearchParams();
        for (const [k, v] of Object.entries({ kind: f.kind, tenant: f.tenant, ...range })) if (v) p.set(k, v);
        return `/statistics?${p.toString()}`;
      }),
    };
    if (!checked.ok) {
      renderPage(req, res, csrf, 'statistics', 'statistics-body', { ...common, form: f, errors: checked.errors }, 422);
      return;
    }
    const data = await gather(deps, checked.applied);
    const days = dayRows(data.daily, daysOf(data.range)).map((d) => ({ ...d, dayText: formatDay(d.day, lang) }));
    const totals = sumFigures(data.daily);
    renderPage(req, res, csrf, 'statistics', 'statistics-body', {
      ...common,
      form: { ...f, from: data.range.from, to: data.range.to },
      errors: {},
      applied: { kind: data.filters.kind, tenant: data.filters.tenant, from: data.range.from, to: data.range.to },
      periodText: translateWith(lang, 'insight.period.range', { from: formatDay(data.range.from, lang), to: formatDay(data.range.to, lang) }),
      scopeText: [data.filters.kind ? kindLabel(data.filters.kind, lang) : translate(lang, 'insight.filter.allKinds'), data.filters.tenant || translate(lang, 'insight.allTenants')].join(' · '),
      totals,
      onTimeShare: share(totals.onTime, totals.decided, lang),
      kindRows: kindRows(data.daily, data.kinds, lang),
      dayRows: days,
      charts: dailyCharts(days, lang, {
        submitted: (day) => inQueue({ from: day, to: day }, data.filters.kind, checked.applied.tenant?.id),
        decided: (day) => inQueue({ decidedFrom: day, decidedTo: day }, data.filters.kind, checked.applied.tenant?.id),
      }),
      reviewers: reviewerRows(data.reviewers, lang),
      throughputChart: throughputChart('statistics-throughput', data.reviewers, lang, (r) =>
        r.actorId ? inQueue({ decider: r.actorId, decidedFrom: data.range.from, decidedTo: data.range.to }, data.filters.kind, checked.applied.tenant?.id) : null,
      ),
    });
  };

  r.get('/statistics', readers, async (req, res) => show(req, res, form.parse(req.query)));

  r.post('/statistics/export', readers, csrf.protect, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const choice = exportChoice.safeParse(body.export);
    if (!choice.success) throw new HttpError(400, 'bad_request', 'choose an export: csv-daily, csv-reviewers or xlsx');
    const f = form.parse(body);
    const lang = readerLanguage(req, res);
    const checked = await checkForm(deps, f, lang);
    if (!checked.ok) {
      await show(req, res, f);
      return;
    }
    const data = await gather(deps, checked.applied);
    const staff = staffOf(res);
    await appendAudit(deps.db, {
      actorType: 'staff',
      actorId: staff.id,
      actorLabel: staff.name,
      action: 'statistics.export',
      objectType: 'statistics',
      objectId: null,
      ip: req.ip ?? null,
      details: {
        format: choice.data === 'xlsx' ? 'xlsx' : 'csv',
        table: choice.data === 'xlsx' ? 'workbook' : choice.data.slice(4),
        filters: { kind: data.filters.kind || null, tenant: data.filters.tenant || null, firstDay: data.range.from, lastDay: data.range.to },
      },
    });
    const base = `statistics-${data.range.from}-${data.range.to}`;
    if (choice.data === 'xlsx') {
      res.attachment(`${base}.xlsx`).type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await statisticsWorkbook(data, lang));
      return;
    }
    const table = choice.data === 'csv-daily' ? dailyTable(data, lang) : reviewerTable(data, lang);
    res.attachment(`${base}-${choice.data.slice(4)}.csv`).type(CSV_CONTENT_TYPE).send(csvDocument(table));
  });
  return r;
}
