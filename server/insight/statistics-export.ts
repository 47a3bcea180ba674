import { excel } from '../../files/exceljs.js';
import type { DayKindFigures, ReviewerFigures } from '../../db/review-figures.js';
import { EMPTY_FIGURES } from '../../db/review-figures.js';
import type { Language } from '../../domain/labels.js';
import { daysOf, type DayRange } from '../../domain/reporting-period.js';
import { translate } from '../../i18n/index.js';
import type { CsvValue } from './csv.js';
import { kindLabel } from './labels.js';
import { reviewerName } from './figures-view.js';

/**
 * The statistics as tables for spreadsheets: per day and kind (every day of the period, every
 * kind asked about, zeros included, so a pivot needs no gaps filled) and per reviewer.
 */

export interface StatisticsData {
  range: DayRange;
  kinds: readonly string[];
  /** The filters as the reader chose them, for the workbook's first sheet. */
  filters: { kind: string; tenant: string };
  daily: DayKindFigures[];
  reviewers: ReviewerFigures[];
}

const FIGURE_COLUMNS = [
  ['submitted', 'insight.submitted'],
  ['decided', 'insight.decided'],
  ['approved', 'insight.approved'],
  ['rejected', 'insight.rejected'],
  ['onTime', 'insight.onTime'],
  ['late', 'insight.late'],
  ['breached', 'insight.breached'],
  ['reminders', 'insight.reminders.received'],
  ['remindersAnswered', 'insight.reminders.answered'],
  ['remindersEscalated', 'insight.reminders.escalated'],
  ['remindersOpen', 'insight.reminders.open'],
] as const;

export function dailyTable(data: StatisticsData, lang: Language): CsvValue[][] {
  const t = (k: string) => translate(lang, k);
  const header = [t('insight.day'), t('insight.kind'), t('insight.kindCode'), ...FIGURE_COLUMNS.map(([, key]) => t(key))];
  const byKey = new Map(data.daily.map((d) => [`${d.day}|${d.kind}`, d]));
  const rows: CsvValue[][] = [header];
  for (const day of daysOf(data.range)) {
    for (const kind of data.kinds) {
      const f = byKey.get(`${day}|${kind}`) ?? EMPTY_FIGURES;
      rows.push([day, kindLabel(kind, lang), kind, ...FIGURE_COLUMNS.map(([col]) => f[col])]);
    }
  }
  return rows;
}

export function kindTable(data: StatisticsData, lang: Language): CsvValue[][] {
  const t = (k: string) => translate(lang, k);
  const rows: CsvValue[][] = [[t('insight.kind'), t('insight.kindCode'), ...FIGURE_COLUMNS.map(([, key]) => t(key))]];
  for (const kind of data.kinds) {
    const mine = data.daily.filter((d) => d.kind === kind);
    rows.push([kindLabel(kind, lang), kind, ...FIGURE_COLUMNS.map(([col]) => mine.reduce((n, d) => n + d[col], 0))]);
  }
  return rows;
}

export function reviewerTable(data: StatisticsData, lang: Language): CsvValue[][] {
  const t = (k: string) => translate(lang, k);
  const rows: CsvValue[][] = [[t('insight.reviewer'), t('insight.decided'), t('insight.approved'), t('insight.rejected'), t('insight.onTime'), t('insight.late')]];
  for (const r of data.reviewers) rows.push([reviewerName(r, lang), r.decided, r.approved, r.rejected, r.onTime, r.late]);
  return rows;
}

function filterTable(data: StatisticsData, lang: Language): CsvValue[][] {
  const t = (k: string) => translate(lang, k);
  return [
    [t('insight.filter.from'), data.range.from],
    [t('insight.filter.to'), data.range.to],
    [t('insight.kind'), data.filters.kind ? kindLabel(data.filters.kind, lang) : t('insight.filter.allKinds')],
    [t('insight.tenant'), data.filters.tenant || t('insight.allTenants')],
  ];
}

/** The workbook: filters, per day and kind, per kind, per reviewer. Text stays text: exceljs writes no formulas from strings. */
export async function statisticsWorkbook(data: StatisticsData, lang: Language): Promise<Buffer> {
  const book = new (await excel()).Workbook();
  book.creator = 'Voice Review Desk';
  const sheet = (nameKey: string, rows: CsvValue[][], header = true) => {
    const ws = book.addWorksheet(translate(lang, nameKey));
    for (const row of rows) ws.addRow(row.map((v) => (v === null || v === undefined ? '' : v)));
    if (header) {
      ws.getRow(1).font = { bold: true };
      ws.views = [{ state: 'frozen', ySplit: 1 }];
    }
    ws.columns.forEach((c) => (c.width = 14));
  };
  sheet('insight.sheet.filters', filterTable(data, lang), false);
  sheet('insight.sheet.daily', dailyTable(data, lang));
  sheet('insight.sheet.kinds', kindTable(data, lang));
  sheet('insight.sheet.reviewers', reviewerTable(data, lang));
  return Buffer.from(await book.xlsx.writeBuffer());
}
