import type { DayKindFigures, Figures, ReviewerFigures } from '../../db/review-figures.js';
import { sumFigures } from '../../db/review-figures.js';
import type { Language } from '../../domain/labels.js';
import { formatDay } from '../../i18n/format.js';
import { translate } from '../../i18n/index.js';
import { kindLabel } from './labels.js';
import { barChartSvg } from './svg-chart.js';

/** How the insight pages present figures: shares, names, charts. Shared by the dashboard and statistics. */

export const SERIES_COLORS = {
  on_track: '#2e7d32',
  at_risk: '#d97706',
  breached: '#c62828',
  submitted: '#1f6feb',
  onTime: '#2e7d32',
  late: '#c62828',
} as const;

/** "87.5%", or a dash when nothing was decided. */
export function share(part: number, whole: number, lang: Language): string {
  if (whole <= 0) return '—';
  return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(part / whole);
}

export const reviewerName = (r: ReviewerFigures, lang: Language) =>
  r.actorType === 'system' ? translate(lang, 'insight.automaticCheck') : r.name || translate(lang, 'insight.audit.unknownDetail');

export function reviewerRows(rows: ReviewerFigures[], lang: Language) {
  return rows.map((r) => ({ ...r, name: reviewerName(r, lang), onTimeShare: share(r.onTime, r.decided, lang) }));
}

export function throughputChart(id: string, rows: ReviewerFigures[], lang: Language, link?: (r: ReviewerFigures) => string | null): string | null {
  if (rows.length === 0) return null;
  return barChartSvg({
    id,
    title: translate(lang, 'insight.throughput'),
    description: translate(lang, 'insight.throughput.chart'),
    orientation: 'horizontal',
    layout: 'stacked',
    showTotals: true,
    categories: rows.map((r) => ({ label: reviewerName(r, lang) })),
    series: [
      { key: 'on-time', label: translate(lang, 'insight.onTime'), color: SERIES_COLORS.onTime },
      { key: 'late', label: translate(lang, 'insight.late'), color: SERIES_COLORS.late },
    ],
    values: [rows.map((r) => r.onTime), rows.map((r) => r.late)],
    ...(link ? { links: [rows.map(link), rows.map(link)] } : {}),
  });
}

/** Figures per kind, over the whole period, for the kinds asked about. */
export function kindRows(daily: DayKindFigures[], kinds: readonly string[], lang: Language) {
  return kinds.map((kind) => {
    const f = sumFigures(daily.filter((d) => d.kind === kind));
    return { kind, label: kindLabel(kind, lang), ...f, onTimeShare: share(f.onTime, f.decided, lang) };
  });
}

/** Figures per day (every day of the period, all kinds asked about together). */
export function dayRows(daily: DayKindFigures[], days: readonly string[]): (Figures & { day: string })[] {
  const byDay = new Map<string, DayKindFigures[]>();
  for (const d of daily) byDay.set(d.day, [...(byDay.get(d.day) ?? []), d]);
  return days.map((day) => ({ day, ...sumFigures(byDay.get(day) ?? []) }));
}


export function dailyCharts(rows: (Figures & { day: string })[], lang: Language, links: { submitted?: (day: string) => string; decided?: (day: string) => string } = {}) {
  // The year is in the period shown above the chart.
  const categories = rows.map((r) => ({ label: formatDay(r.day, lang, { year: false }) }));
  return {
    submitted: barChartSvg({
      id: 'submitted-chart',
      title: translate(lang, 'insight.chart.submitted'),
      orientation: 'vertical',
      layout: 'stacked',
      categories,
      series: [{ key: 'submitted', label: translate(lang, 'insight.submitted'), color: SERIES_COLORS.submitted }],
      values: [rows.map((r) => r.submitted)],
      ...(links.submitted ? { links: [rows.map((r) => links.submitted!(r.day))] } : {}),
    }),
    decided: barChartSvg({
      id: 'decided-chart',
      title: translate(lang, 'insight.chart.decided'),
      orientation: 'vertical',
      layout: 'stacked',
      categories,
      series: [
        { key: 'on-time', label: translate(lang, 'insight.onTime'), color: SERIES_COLORS.onTime },
        { key: 'late', label: translate(lang, 'insight.late'), color: SERIES_COLORS.late },
      ],
      values: [rows.map((r) => r.onTime), rows.map((r) => r.late)],
      ...(links.decided ? { links: [rows.map((r) => links.decided!(r.day)), rows.map((r) => links.decided!(r.day))] } : {}),
    }),
  };
}
