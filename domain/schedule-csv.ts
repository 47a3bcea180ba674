/**
 * A year's official schedule as an admin imports it: CSV lines `date,type,name`, `type` being
 * `holiday` or `workday` (a make-up working day, 调休). A header line is allowed; a name may be
 * quoted and may carry both languages as "中文|English". Pure: problems are codes with the line.
 */

export interface ScheduleDay {
  date: string;
  kind: 'holiday' | 'makeup';
  name?: string;
  nameEn?: string;
}

export type ScheduleProblem =
  | { line: number; code: 'columns' | 'date' | 'type' | 'other_year' | 'twice'; value: string }
  | { line: 0; code: 'empty' | 'too_many'; value: string };

/** At most this many lines: a year has far fewer exceptions. */
export const MAX_SCHEDULE_LINES = 400;

/** One CSV line's fields: commas separate, double quotes enclose, "" is a quote. */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

const realDate = (d: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const [y, m, day] = d.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, day));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === day;
};

/** The year's days, or every problem found (each naming its line); nothing is half read. */
export function parseScheduleCsv(text: string, year: number): { days: ScheduleDay[]; problems: ScheduleProblem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const days: ScheduleDay[] = [];
  const problems: ScheduleProblem[] = [];
  const seen = new Set<string>();
  if (lines.filter((l) => l.trim() !== '').length > MAX_SCHEDULE_LINES) return { days: [], problems: [{ line: 0, code: 'too_many', value: String(MAX_SCHEDULE_LINES) }] };
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    const [date = '', type = '', name = '', ...rest] = fields(raw);
    if (i === 0 && date.toLowerCase() === 'date') return;
    if (rest.some((r) => r !== '') || type === '') return problems.push({ line, code: 'columns', value: raw.slice(0, 80) });
    if (!realDate(date)) return problems.push({ line, code: 'date', value: date.slice(0, 40) });
    if (!date.startsWith(`${year}-`)) return problems.push({ line, code: 'other_year', value: date });
    const kind = type.toLowerCase() === 'holiday' ? 'holiday' : type.toLowerCase() === 'workday' ? 'makeup' : undefined;
    if (!kind) return problems.push({ line, code: 'type', value: type.slice(0, 40) });
    if (seen.has(date)) return problems.push({ line, code: 'twice', value: date });
    seen.add(date);
    const [zh, en] = name.split('|').map((n) => n.trim());
    days.push({ date, kind, ...(zh ? { name: zh.slice(0, 100) } : {}), ...(en ? { nameEn: en.slice(0, 100) } : {}) });
    return undefined;
  });
  if (days.length === 0 && problems.length === 0) problems.push({ line: 0, code: 'empty', value: '' });
  return { days, problems };
}
