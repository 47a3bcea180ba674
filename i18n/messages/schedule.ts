import type { Messages } from '../types.js';

/** Years without an official holiday schedule: the warnings, the CSV import and its problems. */
export const scheduleMessages = {
  'calendar.unscheduledNote': {
    'zh-CN': '{years} 年尚未载入官方节假日安排，该年按周一至周五为工作日计算（不扣除法定节假日）',
    en: 'no official holiday schedule is loaded for {years}: its weekdays count as working days (no public holiday is skipped)',
  },
  'calendar.yearSeparator': { 'zh-CN': '、', en: ', ' },
  'schedule.warning': {
    'zh-CN': '{years} 年尚未载入官方节假日安排：进行中审核的截止时间或未来 {days} 天已涉及该年，该年的截止时间按周一至周五为工作日计算。',
    en: 'No official holiday schedule is loaded for {years}: open deadlines or the next {days} days reach it, and its deadlines count every weekday as a working day.',
  },
  'schedule.affected': { 'zh-CN': '受影响的进行中审核：{count} 个。', en: 'Open reviews affected: {count}.' },
  'schedule.importNow': { 'zh-CN': '导入该年的节假日安排', en: 'Import that year’s schedule' },
  'schedule.askAdmin': { 'zh-CN': '请联系管理员导入该年的节假日安排。', en: 'Ask an admin to import that year’s schedule.' },
  'schedule.importTitle': { 'zh-CN': '从 CSV 导入全年节假日安排', en: 'Import a year’s schedule from CSV' },
  'schedule.loaded': { 'zh-CN': '已载入官方安排的年份：节假日数据包 {package}', en: 'Years with an official schedule: the holiday package’s {package}' },
  'schedule.importedYear': { 'zh-CN': '{year}（导入：{holidays} 个节假日、{makeUps} 个调休日，{at}）', en: '{year} (imported: {holidays} holidays, {makeUps} make-up days, {at})' },
  'schedule.thisYearMissing': { 'zh-CN': '{year} 年尚未载入官方节假日安排。', en: 'No official schedule is loaded for {year}.' },
  'schedule.csv': { 'zh-CN': 'CSV 内容', en: 'CSV' },
  'schedule.file': { 'zh-CN': '或选择 CSV 文件', en: 'or choose a CSV file' },
  'schedule.csvHint': {
    'zh-CN': '每行一天，三列依次为日期（年-月-日）、类型（节假日或调休上班，写法见下例）和名称（可用竖线分隔中英文名称）；首行可为表头。导入后该年其他节假日与调休将被移除。例如：',
    en: 'One line per day with three columns: the date (year-month-day), the type (holiday, or workday for a make-up working day) and the name (Chinese and English names may be separated by a bar); a header line is allowed. The year’s other holidays and make-up days are removed. For example:',
  },
  'schedule.importButton': { 'zh-CN': '导入并保存', en: 'Import and save' },
  'schedule.summary': { 'zh-CN': '{year} 年：{holidays} 个节假日、{makeUps} 个调休上班日。', en: '{year}: {holidays} holidays, {makeUps} make-up working days.' },
  'schedule.yearInvalid': { 'zh-CN': '请填写 1990 至 2100 之间的年份', en: 'give a year from 1990 to 2100' },
  'schedule.problem.columns': { 'zh-CN': '第 {line} 行：须为日期、类型、名称三列（“{value}”）', en: 'line {line}: needs the three columns date, type and name (“{value}”)' },
  'schedule.problem.date': { 'zh-CN': '第 {line} 行：“{value}”不是“年-月-日”格式的有效日期', en: 'line {line}: “{value}” is not a real date written year-month-day' },
  'schedule.problem.type': { 'zh-CN': '第 {line} 行：类型“{value}”无效，节假日写 holiday，调休上班写 workday', en: 'line {line}: the type “{value}” must be holiday or workday' },
  'schedule.problem.other_year': { 'zh-CN': '第 {line} 行：{value} 不在 {year} 年', en: 'line {line}: {value} is not in {year}' },
  'schedule.problem.twice': { 'zh-CN': '第 {line} 行：{value} 重复出现', en: 'line {line}: {value} is listed twice' },
  'schedule.problem.empty': { 'zh-CN': 'CSV 中没有日期', en: 'the CSV lists no day' },
  'schedule.problem.too_many': { 'zh-CN': 'CSV 超过 {value} 行', en: 'the CSV has more than {value} lines' },
  'dashboard.scheduleTitle': { 'zh-CN': '节假日安排', en: 'Holiday schedule' },
} as const satisfies Messages;
