import { Router } from 'express';
import { z } from 'zod';
import { backlog, dailyFigures, reviewerFigures, sumFigures, type BacklogCell, type FigureScope } from '../../db/review-figures.js';
import type { Language } from '../../domain/labels.js';
import { dayIn, lastDays } from '../../domain/reporting-period.js';
import { type SlaState } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import type { AppDeps } from '../deps.js';
import { DISPLAY_TIME_ZONE, formatDay } from '../../i18n/format.js';
import { translate, translateWith } from '../../i18n/index.js';
import { kindLabel, slaLabel } from '../insight/labels.js';
import { barChartSvg } from '../insight/svg-chart.js';
import { reviewerRows, share, SERIES_COLORS, throughputChart } from '../insight/figures-view.js';
import { countOpenWithSignals, RISK_SIGNAL_KIND } from '../../db/risk-signals.js';
import { scheduleWarning } from '../use-cases/schedule-warning.js';
import type { Csrf } from './csrf.js';
import { renderPage, readerLanguage } from './render.js';
import { ALL_STAFF, requireRole, staffOf } from './session.js';

const PERIODS = { today: 1, last7: 7, last30: 30 } as const;
type PeriodKey = keyof typeof PERIODS;
const SLA_STATES: SlaState[] = ['on_track', 'at_risk', 'breached'];

const query = z.object({ period: z.enum(Object.keys(PERIODS) as [PeriodKey, ...PeriodKey[]]).catch('today') });

/** The queue, filtered to what a figure counts. */
function queueLink(filters: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
  const q = p.toString();
  return q ? `/queue?${q}` : '/queue';
}

function backlogView(cells: BacklogCell[], lang: Language) {
  const count = (kind: string | null, sla: SlaState | null) =>
    cells.filter((c) => (kind === null || c.kind === kind) && (sla === null || c.sla === sla)).reduce((n, c) => n + c.count, 0);
  const kinds = REVIEW_KINDS.filter((k) => count(k, null) > 0);
  const rows = kinds.map((kind) => ({
    kind,
    label: kindLabel(kind, lang),
    cells: SLA_STATES.map((sla) => ({ sla, count: count(kind, sla), href: queueLink({ kind, sla }) })),
    total: count(kind, null),
    href: queueLink({ kind }),
  }));
  const totals = SLA_STATES.map((sla) => ({ sla, count: count(null, sla), href: queueLink({ sla }) }));
  const chart =
    kinds.length === 0
      ? null
      : barChartSvg({
          id: 'backlog-chart',
          title: translate(lang, 'insight.backlog'),
          description: translate(lang, 'insight.backlog.chart'),
          orientation: 'horizontal',
          layout: 'stacked',
          showTotals: true,
          categories: kinds.map((k) => ({ label: kindLabel(k, lang) })),
          series: SLA_STATES.map((sla) => ({ key: sla, label: slaLabel(sla, lang), color: SERIES_COLORS[sla] })),
          values: SLA_STATES.map((sla) => kinds.map((k) => count(k, sla))),
          links: SLA_STATES.map((sla) => kinds.map((kind) => queueLink({ kind, sla }))),
        });
  return {
    slaHeaders: SLA_STATES.map((sla) => ({ sla, label: slaLabel(sla, lang) })),
    rows,
    totals,
    total: count(null, null),
    chart,
    remindersOpen: cells.reduce((n, c) => n + c.remindersOpen, 0),
    remindersOverdue: cells.reduce((n, c) => n + c.remindersOverdue, 0),
  };
}

/** Open work and the period's figures at a glance; a reviewer sees their own slice. */
export function dashboardRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  r.get('/dashboard', requireRole(...ALL_STAFF), async (req, res) => {
    const staff = staffOf(res);
    const lang = readerLanguage(req, res);
    const { period } = query.parse(req.query);
    const range = lastDays(dayIn(deps.now(), DISPLAY_TIME_ZONE), PERIODS[period]);
    const ownSlice = staff.role === 'reviewer';
    const scope: FigureScope = ownSlice ? { staffId: staff.id } : {};
    const figurePeriod = { ...range, timeZone: DISPLAY_TIME_ZONE };
    const [cells, daily, reviewers, riskSignals, warning] = await Promise.all([
      backlog(deps.db, scope, deps.now()),
      dailyFigures(deps.db, figurePeriod, scope),
      reviewerFigures(deps.db, figurePeriod, scope),
      countOpenWithSignals(deps.db),
      // Admins are the ones who can import a missing year's schedule.
      staff.role === 'admin' ? scheduleWarning(deps) : Promise.resolve(null),
    ]);
    const totals = sumFigures(daily);
    renderPage(req, res, csrf, 'dashboard', 'dashboard-body', {
      title: 'insight.dashboard.title',
      ownSlice,
      period,
      periods: (Object.keys(PERIODS) as PeriodKey[]).map((key) => ({ key, label: translate(lang, `insight.period.${key}`), selected: key === period })),
      periodText:
        range.from === range.to ? formatDay(range.from, lang) : translateWith(lang, 'insight.period.range', { from: formatDay(range.from, lang), to: formatDay(range.to, lang) }),
      backlog: backlogView(cells, lang),
      totals,
      onTimeShare: share(totals.onTime, totals.decided, lang),
      links: {
        approved: queueLink({ status: 'approved' }),
        rejected: queueLink({ status: 'rejected' }),
        breached: queueLink({ sla: 'breached' }),
        reminded: queueLink({}),
      },
      breachedOpen: cells.filter((c) => c.sla === 'breached').reduce((n, c) => n + c.count, 0),
      riskSignals: { count: riskSignals, href: queueLink({ kind: RISK_SIGNAL_KIND, status: 'pending' }) },
      scheduleWarning: warning,
      reviewers: reviewerRows(reviewers, lang),
      throughputChart: throughputChart('throughput-chart', reviewers, lang, (r) => (r.actorId ? queueLink({ status: 'all', decider: r.actorId, decidedFrom: range.from, decidedTo: range.to }) : null)),
    });
  });
  return r;
}
