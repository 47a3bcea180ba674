import { encodingName } from './audio-check-text.js';
import { KINDS } from '../domain/kinds/index.js';
import type { Language } from '../domain/labels.js';
import type { ReviewKind } from '../domain/review.js';
import type { ReasonEntry, RuleChange } from '../domain/rule-set.js';
import { translate } from './index.js';

/**
 * A rule-set change in words, for the version pages and the audit log: "审核时限: 540 工作分钟 →
 * 第 1 个工作日下班前", "驳回原因「包含禁用词」· 启用: 是 → 否". Reasons are named by their
 * wording, files by their label; codes stay out of sight.
 */

const isKind = (kind: string | undefined): kind is ReviewKind => kind !== undefined && kind in KINDS;

function fileLabel(kind: string | undefined, field: string, lang: Language): string {
  if (!isKind(kind)) return field;
  const intake = KINDS[kind].intake;
  return intake.type === 'multipart' ? (intake.files[field]?.label[lang] ?? field) : field;
}

export function ruleChangeLabel(path: string, lang: Language, context: { kind?: string; reasons?: readonly ReasonEntry[] } = {}): string {
  const reason = /^reasons\[([^\]]+)\]\.(.+)$/.exec(path);
  if (reason) {
    const code = reason[1]!;
    const entry = context.reasons?.find((r) => r.code === code) ?? (isKind(context.kind) ? KINDS[context.kind].rejectionReasons.find((r) => r.code === code) : undefined);
    const name = entry ? ('staff' in entry ? entry.staff[lang] : entry.text[lang]) : code;
    return `${translate(lang, 'rules.reason')}「${name}」· ${translate(lang, `rules.path.reason.${reason[2]}`)}`;
  }
  const file = /^checks\.files\.(\w+)\.(types|maxBytes)$/.exec(path);
  if (file) return `${translate(lang, 'rules.files')}「${fileLabel(context.kind, file[1]!, lang)}」· ${translate(lang, `rules.path.file.${file[2]}`)}`;
  const image = /^checks\.images\.(\w+)\.(minWidth|minHeight)$/.exec(path);
  if (image) return `${translate(lang, 'rules.imageChecks')}「${fileLabel(context.kind, image[1]!, lang)}」· ${translate(lang, `rules.${image[2]}`)}`;
  return translate(lang, `rules.path.${path}`);
}

const bytesText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB` : `${Math.round(n / 1024)} KB`);

/** One side of a change as the diff recorded it ("working_minutes 540", "true", "a, b"), in words. */
export function ruleValueText(path: string, value: string, lang: Language): string {
  const zh = lang === 'zh-CN';
  if (value === '') return '—';
  const minutes = /^working_minutes (\d+)$/.exec(value);
  if (minutes) return zh ? `${minutes[1]} 工作分钟` : `${minutes[1]} working minutes`;
  const eod = /^end_of_working_day (\d+)$/.exec(value);
  if (eod) {
    const days = Number(eod[1]);
    if (days === 0) return zh ? '当个工作日下班前' : 'end of the same working day';
    return zh ? `第 ${days} 个工作日下班前` : `end of working day ${days}`;
  }
  if (value === 'true' || value === 'false') return translate(lang, value === 'true' ? 'insight.yes' : 'insight.no');
  if (path === 'assignment') return translate(lang, `rules.assignment.${value}`);
  const list = value.split(', ');
  if (path.endsWith('.encodings')) return list.map((c) => encodingName(c, lang)).join(zh ? '、' : ', ');
  if (path.endsWith('.types')) return list.map((t) => t.toUpperCase()).join(zh ? '、' : ', ');
  if (path.endsWith('.sampleRates')) return list.map((r) => `${r} Hz`).join(zh ? '、' : ', ');
  if (path.endsWith('maxBytes') && /^\d+$/.test(value)) return bytesText(Number(value));
  if (path.endsWith('maxDurationSeconds') && /^\d+(\.\d+)?$/.test(value)) return zh ? `${value} 秒` : `${value} s`;
  if (path === 'atRiskShare' && /^0?\.\d+$|^1$/.test(value)) return `${Math.round(Number(value) * 100)}%`;
  return value;
}

export function ruleChangeText(change: RuleChange, lang: Language, context: { kind?: string; reasons?: readonly ReasonEntry[] } = {}) {
  return { path: change.path, label: ruleChangeLabel(change.path, lang, context), before: ruleValueText(change.path, change.before, lang), after: ruleValueText(change.path, change.after, lang) };
}
