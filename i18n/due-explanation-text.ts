import type { Language } from '../domain/labels.js';
import { dueExplanation, type DeadlineRule, type DueExplanation, type LocalDay, type LocalTime, type WorkingCalendar } from '../domain/working-time.js';

/**
 * How a deadline was reached, in the reader's words: the rule, the start, the due time (local time
 * of the calendar's zone), the holiday ranges skipped and the make-up working days met.
 */

const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ZH_WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const clock = (minutes: number) => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;

interface Words {
  date(d: LocalDay): string;
  at(t: LocalTime): string;
  range(a: LocalDay, b: LocalDay): string;
}

const EN: Words = {
  date: (d) => `${EN_WEEKDAYS[d.weekday]} ${d.day} ${EN_MONTHS[d.month - 1]} ${d.year}`,
  at: (t) => `${EN.date(t)} ${clock(t.minutes)}`,
  range(a, b) {
    if (a.index === b.index) return `${b.day} ${EN_MONTHS[b.month - 1]} ${b.year}`;
    if (a.year === b.year && a.month === b.month) return `${a.day}-${b.day} ${EN_MONTHS[b.month - 1]} ${b.year}`;
    if (a.year === b.year) return `${a.day} ${EN_MONTHS[a.month - 1]} - ${b.day} ${EN_MONTHS[b.month - 1]} ${b.year}`;
    return `${a.day} ${EN_MONTHS[a.month - 1]} ${a.year} - ${b.day} ${EN_MONTHS[b.month - 1]} ${b.year}`;
  },
};

const ZH: Words = {
  date: (d) => `${d.year}年${d.month}月${d.day}日（${ZH_WEEKDAYS[d.weekday]}）`,
  at: (t) => `${ZH.date(t)}${clock(t.minutes)}`,
  range(a, b) {
    const head = `${a.year}年${a.month}月${a.day}日`;
    if (a.index === b.index) return head;
    if (a.year === b.year && a.month === b.month) return `${head}至${b.day}日`;
    if (a.year === b.year) return `${head}至${b.month}月${b.day}日`;
    return `${head}至${b.year}年${b.month}月${b.day}日`;
  },
};

/** Consecutive holidays of one name, as one range. */
function holidayRuns(holidays: LocalDay[], names: Record<string, string> | undefined): { from: LocalDay; to: LocalDay; name: string | undefined }[] {
  const runs: { from: LocalDay; to: LocalDay; name: string | undefined }[] = [];
  for (const d of holidays) {
    const name = names?.[d.iso];
    const last = runs[runs.length - 1];
    if (last && last.to.index === d.index - 1 && last.name === name) last.to = d;
    else runs.push({ from: d, to: d, name });
  }
  return runs;
}

/** `holidayNames` maps "YYYY-MM-DD" to a name in the reader's language (e.g. `chinaHolidayNames()` of holidays-cn.ts). */
export function dueExplanationText(e: DueExplanation, lang: Language, holidayNames?: Record<string, string>): string {
  const zh = lang === 'zh-CN';
  const w = zh ? ZH : EN;
  const zone = e.timeZone;
  const parts: string[] = [];
  if (e.rule.type === 'working_minutes') {
    const minutes = e.rule.minutes;
    parts.push(zh ? `自${w.at(e.submitted)}起计${minutes}个工作分钟，截止${w.at(e.due)}（${zone}）` : `+${minutes} working minutes from ${w.at(e.submitted)}, due ${w.at(e.due)} (${zone})`);
    if (e.countingStarts) parts.push(zh ? `非工作时间提交，从${w.at(e.countingStarts)}开始计时` : `submitted outside working hours, counting starts ${w.at(e.countingStarts)}`);
  } else {
    const days = e.rule.days;
    parts.push(
      zh
        ? `${w.at(e.submitted)}提交，${days === 0 ? '起算日当天' : `起算日后第${days}个工作日`}下班截止：${w.at(e.due)}（${zone}）`
        : `end of working day +${days} from ${w.at(e.submitted)}, due ${w.at(e.due)} (${zone})`,
    );
    if (e.dayZero) parts.push(zh ? `起算日为${w.date(e.dayZero)}（提交日已下班或非工作日）` : `day 0 is ${w.date(e.dayZero)} (submitted after the close or on a non-working day)`);
  }
  for (const run of holidayRuns(e.holidays, holidayNames)) {
    const name = run.name ?? (zh ? '法定节假日' : 'public holiday');
    parts.push(zh ? `跳过${w.range(run.from, run.to)}（${name}）` : `skipped ${w.range(run.from, run.to)} (${name})`);
  }
  for (const d of e.makeUpDays) parts.push(zh ? `${w.date(d)}为调休工作日` : `${w.date(d)} is a working day`);
  return parts.join(zh ? '；' : '; ');
}

/** A deadline's explanation in the reader's words, from the submission, the rule and the calendar. */
export function explainDueAt(submittedAt: Date, rule: DeadlineRule, calendar: WorkingCalendar, lang: Language, holidayNames?: Record<string, string>): string {
  return dueExplanationText(dueExplanation(submittedAt, rule, calendar), lang, holidayNames);
}
