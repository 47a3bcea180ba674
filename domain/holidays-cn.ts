/**
 * Mainland China's official holiday schedule (public holidays and 调休 make-up working
 * days), taken from the `chinese-days` package for every year it covers (2004-2026 in
 * 1.5.7), and the default working calendar built from it.
 *
 * Pure: the package's data is compiled into its module. Reading it through the package's
 * API takes about 0.1 s on first use and is memoised. Holidays the package lists on weekends are kept
 * (harmless: weekends are not working days anyway).
 */
import chineseDays from 'chinese-days';
import type { CalendarSpec } from './working-time.js';

export interface ChinaDay {
  date: string; // "YYYY-MM-DD"
  name: string; // English, e.g. "National Day"
  nameZh: string; // Chinese, e.g. "国庆节"
}

export interface ChinaHolidayData {
  holidays: ChinaDay[];
  makeUpWorkdays: ChinaDay[]; // make-up working days; `name` is the festival they make up for
  years: number[]; // years the package covers
}

/** Our names by the package's Chinese name: [English, Chinese]. Unknown names fall back to the package's own. */
const NAMES: Record<string, [string, string]> = {
  元旦: ["New Year's Day", '元旦'],
  春节: ['Spring Festival', '春节'],
  清明: ['Qingming Festival (Tomb-Sweeping Day)', '清明节'],
  劳动节: ['Labour Day', '劳动节'],
  端午: ['Dragon Boat Festival', '端午节'],
  中秋: ['Mid-Autumn Festival', '中秋节'],
  国庆节: ['National Day', '国庆节'],
  中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日: [
    'Victory Day (70th anniversary of the War of Resistance)',
    '中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日',
  ],
};

/** Years probed for coverage: a year is covered when the package names 1 January a holiday. */
const PROBE_FROM = 1990;
const PROBE_TO = 2100;

let cache: ChinaHolidayData | undefined;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "English name,中文名,n" → names; undefined for an ordinary day ("Monday"). */
function festival(detailName: string): { name: string; nameZh: string } | undefined {
  const [en, zh] = detailName.split(',');
  if (en === undefined || zh === undefined) return undefined;
  const ours = NAMES[zh];
  return ours ? { name: ours[0], nameZh: ours[1] } : { name: en, nameZh: zh };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Every holiday and make-up working day the package lists, sorted by date. */
export function chinaHolidayData(): ChinaHolidayData {
  if (!cache) {
    const years: number[] = [];
    for (let y = PROBE_FROM; y <= PROBE_TO; y++) {
      if (festival(chineseDays.getDayDetail(`${y}-01-01`).name)) years.push(y);
    }
    const holidays: ChinaDay[] = [];
    const makeUpWorkdays: ChinaDay[] = [];
    for (const year of years) {
      // Listed holidays (weekend ones included), then weekend days the package makes working days.
      for (const date of chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false)) {
        const names = festival(chineseDays.getDayDetail(date).name);
        if (names) holidays.push({ date, ...names });
      }
      for (let month = 1; month <= 12; month++) {
        const n = daysInMonth(year, month);
        for (let day = 1; day <= n; day++) {
          const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
          if (weekday !== 0 && weekday !== 6) continue;
          const date = `${year}-${pad2(month)}-${pad2(day)}`;
          const detail = chineseDays.getDayDetail(date);
          const names = festival(detail.name);
          if (detail.work && names) makeUpWorkdays.push({ date, ...names });
        }
      }
    }
    cache = { holidays, makeUpWorkdays, years };
  }
  return {
    holidays: cache.holidays.map((d) => ({ ...d })),
    makeUpWorkdays: cache.makeUpWorkdays.map((d) => ({ ...d })),
    years: [...cache.years],
  };
}

/** Default calendar: Asia/Shanghai, 09:00-18:00, China's official schedule. */
export function defaultCalendarSpec(): CalendarSpec {
  const data = chinaHolidayData();
  return {
    timeZone: 'Asia/Shanghai',
    opens: '09:00',
    closes: '18:00',
    holidays: data.holidays.map((d) => d.date),
    makeUpWorkdays: data.makeUpWorkdays.map((d) => d.date),
  };
}

/** Holiday names by date in one language, for `explainDueAt`. */
export function chinaHolidayNames(lang: 'zh-CN' | 'en'): Record<string, string> {
  const names: Record<string, string> = {};
  for (const d of chinaHolidayData().holidays) names[d.date] = lang === 'zh-CN' ? d.nameZh : d.name;
  return names;
}
