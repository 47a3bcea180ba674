import type { Language } from '../domain/labels.js';
import type { TimeLeft } from '../domain/time-left.js';

/**
 * "剩 5 小时 40 分" / "超时 2 个工作日", and "5 h 40 min left" / "overdue by 2 working days":
 * whole working days when there is at least one, else hours and minutes.
 */
export function timeLeftText(t: TimeLeft, lang: Language): string {
  const zh = lang === 'zh-CN';
  // Past the deadline with no working time since (overnight, a weekend): overdue, by nothing yet worth counting.
  if (t.overdue && t.days === 0 && t.hours === 0 && t.minutes === 0) return zh ? '已超时' : 'overdue';
  let amount: string;
  if (t.days > 0) {
    const extra = t.hours > 0 ? (zh ? ` ${t.hours} 小时` : ` ${t.hours} h`) : '';
    amount = zh ? `${t.days} 个工作日${extra}` : `${t.days} working day${t.days === 1 ? '' : 's'}${extra}`;
  } else if (t.hours > 0) {
    amount = zh ? `${t.hours} 小时 ${t.minutes} 分` : `${t.hours} h ${t.minutes} min`;
  } else {
    amount = zh ? `${t.minutes} 分钟` : `${t.minutes} min`;
  }
  if (t.overdue) return zh ? `超时 ${amount}` : `overdue by ${amount}`;
  return zh ? `剩 ${amount}` : `${amount} left`;
}
