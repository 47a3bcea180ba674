import { AUDIO_ENCODINGS } from '../../domain/checks.js';
import { KINDS } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { ASSIGNMENT_POLICIES, FILE_TYPES, type RuleSet } from '../../domain/rule-set.js';
import type { ReviewKind } from '../../domain/review.js';
import type { DeadlineRule } from '../../domain/working-time.js';
import { clip } from '../input-guard.js';

/**
 * The rule-set editor's form: every field as the admin typed it (strings), so a refused save shows
 * the form again exactly as sent, with each refusal beside its field.
 */
export interface RuleForm {
  review: RuleField;
  fulfilment?: RuleField;
  atRiskPercent: string;
  reminders: { minPending: string; coolDown: string; maxPerRound: string; answer: RuleField };
  reasons: ReasonRow[];
  template?: { banned: string; maxVariables: string; maxLength: string };
  audio?: { encodings: string[]; sampleRates: string; channels: string; maxDurationSeconds: string; maxKb: string };
  files?: { field: string; label: Record<Language, string>; types: string[]; maxKb: string }[];
  images?: { field: string; label: Record<Language, string>; minWidth: string; minHeight: string }[];
  risk?: { maxEnterprisesPerHandler: string };
  assignment: string;
  comment: string;
}

interface RuleField {
  type: string;
  amount: string;
}

interface ReasonRow {
  /** Position in the form (reason.N.*). */
  n: number;
  code: string;
  staffZh: string;
  staffEn: string;
  tenantZh: string;
  tenantEn: string;
  requiresText: boolean;
  active: boolean;
  /** Saved before: its code is fixed (decisions refer to it). */
  saved: boolean;
}

const ruleField = (r: DeadlineRule): RuleField => ({ type: r.type, amount: String(r.type === 'working_minutes' ? r.minutes : r.days) });
const kb = (bytes: number) => String(Math.round(bytes / 1024));

export function formFromRuleSet(kind: ReviewKind, rs: RuleSet, comment = ''): RuleForm {
  const def = KINDS[kind];
  return {
    review: ruleField(rs.deadlines.review),
    ...(rs.deadlines.fulfilment ? { fulfilment: ruleField(rs.deadlines.fulfilment) } : {}),
    atRiskPercent: String(Math.round(rs.atRiskShare * 100)),
    reminders: {
      minPending: String(rs.reminders.minPendingWorkingMinutes),
      coolDown: String(rs.reminders.coolDownMinutes),
      maxPerRound: String(rs.reminders.maxPerRound),
      answer: ruleField(rs.reminders.answerWithin),
    },
    reasons: [
      ...rs.reasons.map((r, n) => ({
        n,
        code: r.code,
        staffZh: r.staff['zh-CN'],
        staffEn: r.staff.en,
        tenantZh: r.tenant['zh-CN'],
        tenantEn: r.tenant.en,
        requiresText: r.requiresText,
        active: r.active,
        saved: true,
      })),
      blankReason(rs.reasons.length),
    ],
    ...(rs.checks.template
      ? { template: { banned: rs.checks.template.bannedPhrases.join('\n'), maxVariables: String(rs.checks.template.maxVariables), maxLength: String(rs.checks.template.maxLength) } }
      : {}),
    ...(rs.checks.audio
      ? {
          audio: {
            encodings: [...rs.checks.audio.encodings],
            sampleRates: rs.checks.audio.sampleRates.join(', '),
            channels: rs.checks.audio.channels.join(', '),
            maxDurationSeconds: String(rs.checks.audio.maxDurationSeconds),
            maxKb: kb(rs.checks.audio.maxBytes),
          },
        }
      : {}),
    ...(rs.checks.files
      ? {
          files: Object.entries(rs.checks.files).map(([field, f]) => ({
            field,
            label: def.intake.type === 'multipart' ? (def.intake.files[field]?.label ?? { 'zh-CN': field, en: field }) : { 'zh-CN': field, en: field },
            types: [...f.types],
            maxKb: kb(f.maxBytes),
          })),
        }
      : {}),
    ...(rs.checks.images
      ? {
          images: Object.entries(rs.checks.images).map(([field, m]) => ({
            field,
            label: def.intake.type === 'multipart' ? (def.intake.files[field]?.label ?? { 'zh-CN': field, en: field }) : { 'zh-CN': field, en: field },
            minWidth: String(m.minWidth),
            minHeight: String(m.minHeight),
          })),
        }
      : {}),
    ...(rs.checks.risk ? { risk: { maxEnterprisesPerHandler: String(rs.checks.risk.maxEnterprisesPerHandler) } } : {}),
    assignment: rs.assignment,
    comment,
  };
}

const blankReason = (n: number): ReasonRow => ({ n, code: '', staffZh: '', staffEn: '', tenantZh: '', tenantEn: '', requiresText: false, active: true, saved: false });

type Body = Record<string, unknown>;
const str = (body: Body, name: string): string => {
  const v = body[name];
  return clip(Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '', 20_000);
};
const list = (body: Body, name: string): string[] => {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
};
/** A whole number stays a number; anything else goes on as typed, so the refusal can quote it. */
const num = (s: string): number | string => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : s.trim());

function ruleFrom(f: RuleField): unknown {
  const amount = num(f.amount);
  if (f.type === 'end_of_working_day') return { type: f.type, days: amount };
  return { type: f.type || 'working_minutes', minutes: amount };
}

/** The form as sent, and the rule set it asks for (unchecked: parseRuleSet judges it). */
export function ruleSetFromForm(kind: ReviewKind, body: Body, inForce: RuleSet): { form: RuleForm; candidate: unknown; reasonRows: number[] } {
  const shape = formFromRuleSet(kind, inForce);
  const field = (prefix: string): RuleField => ({ type: str(body, `${prefix}.type`), amount: str(body, `${prefix}.amount`) });
  const savedCodes = new Set(inForce.reasons.map((r) => r.code));
  const rows: ReasonRow[] = [];
  for (let n = 0; n < 200 && (body[`reason.${n}.code`] !== undefined || body[`reason.${n}.tenantZh`] !== undefined); n += 1) {
    const code = str(body, `reason.${n}.code`).trim();
    rows.push({
      n,
      code,
      staffZh: str(body, `reason.${n}.staffZh`),
      staffEn: str(body, `reason.${n}.staffEn`),
      tenantZh: str(body, `reason.${n}.tenantZh`),
      tenantEn: str(body, `reason.${n}.tenantEn`),
      requiresText: body[`reason.${n}.requiresText`] !== undefined,
      active: body[`reason.${n}.active`] !== undefined,
      saved: savedCodes.has(code),
    });
  }
  const isBlank = (r: ReasonRow) => !r.saved && !r.code && !r.staffZh.trim() && !r.staffEn.trim() && !r.tenantZh.trim() && !r.tenantEn.trim();
  const filled = rows.filter((r) => !isBlank(r));
  const form: RuleForm = {
    review: field('review'),
    ...(shape.fulfilment ? { fulfilment: field('fulfilment') } : {}),
    atRiskPercent: str(body, 'atRiskPercent'),
    reminders: { minPending: str(body, 'reminders.minPending'), coolDown: str(body, 'reminders.coolDown'), maxPerRound: str(body, 'reminders.maxPerRound'), answer: field('reminders.answer') },
    reasons: [...filled, blankReason(rows.length)],
    ...(shape.template ? { template: { banned: str(body, 'template.banned'), maxVariables: str(body, 'template.maxVariables'), maxLength: str(body, 'template.maxLength') } } : {}),
    ...(shape.audio
      ? {
          audio: {
            encodings: list(body, 'audio.encodings'),
            sampleRates: str(body, 'audio.sampleRates'),
            channels: str(body, 'audio.channels'),
            maxDurationSeconds: str(body, 'audio.maxDurationSeconds'),
            maxKb: str(body, 'audio.maxKb'),
          },
        }
      : {}),
    ...(shape.files ? { files: shape.files.map((f) => ({ ...f, types: list(body, `file.${f.field}.types`), maxKb: str(body, `file.${f.field}.maxKb`) })) } : {}),
    ...(shape.images ? { images: shape.images.map((m) => ({ ...m, minWidth: str(body, `image.${m.field}.minWidth`), minHeight: str(body, `image.${m.field}.minHeight`) })) } : {}),
    ...(shape.risk ? { risk: { maxEnterprisesPerHandler: str(body, 'risk.maxEnterprisesPerHandler') } } : {}),
    assignment: str(body, 'assignment'),
    comment: str(body, 'comment'),
  };

  const percent = num(form.atRiskPercent);
  const bytes = (s: string) => {
    const n = num(s);
    return typeof n === 'number' ? n * 1024 : s;
  };
  const candidate = {
    deadlines: { review: ruleFrom(form.review), ...(form.fulfilment ? { fulfilment: ruleFrom(form.fulfilment) } : {}) },
    atRiskShare: typeof percent === 'number' ? percent / 100 : percent,
    reminders: {
      minPendingWorkingMinutes: num(form.reminders.minPending),
      coolDownMinutes: num(form.reminders.coolDown),
      maxPerRound: num(form.reminders.maxPerRound),
      answerWithin: ruleFrom(form.reminders.answer),
    },
    reasons: filled.map((r) => ({
      code: r.code,
      staff: { 'zh-CN': r.staffZh, en: r.staffEn },
      tenant: { 'zh-CN': r.tenantZh, en: r.tenantEn },
      requiresText: r.requiresText,
      active: r.active,
    })),
    checks: {
      ...(form.template
        ? {
            template: {
              bannedPhrases: form.template.banned.split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
              maxVariables: num(form.template.maxVariables),
              maxLength: num(form.template.maxLength),
            },
          }
        : {}),
      ...(form.audio
        ? {
            audio: {
              encodings: form.audio.encodings,
              sampleRates: form.audio.sampleRates.split(/[,，\s]+/).filter(Boolean).map(num),
              channels: form.audio.channels.split(/[,，\s]+/).filter(Boolean).map(num),
              maxDurationSeconds: num(form.audio.maxDurationSeconds),
              maxBytes: bytes(form.audio.maxKb),
            },
          }
        : {}),
      ...(form.files ? { files: Object.fromEntries(form.files.map((f) => [f.field, { types: f.types, maxBytes: bytes(f.maxKb) }])) } : {}),
      ...(form.images ? { images: Object.fromEntries(form.images.map((m) => [m.field, { minWidth: num(m.minWidth), minHeight: num(m.minHeight) }])) } : {}),
      ...(form.risk ? { risk: { maxEnterprisesPerHandler: num(form.risk.maxEnterprisesPerHandler) } } : {}),
    },
    assignment: form.assignment,
  };
  return { form, candidate, reasonRows: filled.map((r) => r.n) };
}

/** The form field a rule-set refusal belongs beside. */
export function formFieldOf(path: string, reasonRows: number[]): string {
  const rule = (prefix: string, rest: string) => (rest === 'type' ? `${prefix}.type` : `${prefix}.amount`);
  let m: RegExpExecArray | null;
  if ((m = /^deadlines\.(review|fulfilment)(?:\.(\w+))?$/.exec(path))) return rule(m[1]!, m[2] ?? 'amount');
  if (path === 'atRiskShare') return 'atRiskPercent';
  if ((m = /^reminders\.answerWithin(?:\.(\w+))?$/.exec(path))) return rule('reminders.answer', m[1] ?? 'amount');
  if (path === 'reminders.minPendingWorkingMinutes') return 'reminders.minPending';
  if (path === 'reminders.coolDownMinutes') return 'reminders.coolDown';
  if (path === 'reminders.maxPerRound') return 'reminders.maxPerRound';
  if ((m = /^reasons\.(\d+)\.(code|active|staff|tenant)(?:\.(zh-CN|en))?$/.exec(path))) {
    const n = reasonRows[Number(m[1])] ?? Number(m[1]);
    if (m[2] === 'staff' || m[2] === 'tenant') return `reason.${n}.${m[2]}${m[3] === 'en' ? 'En' : 'Zh'}`;
    return `reason.${n}.${m[2]}`;
  }
  if (path === 'reasons') return 'reasons';
  if ((m = /^checks\.template\.(bannedPhrases|maxVariables|maxLength)/.exec(path))) return m[1] === 'bannedPhrases' ? 'template.banned' : `template.${m[1]}`;
  if ((m = /^checks\.audio\.(encodings|sampleRates|channels|maxDurationSeconds|maxBytes)/.exec(path))) return m[1] === 'maxBytes' ? 'audio.maxKb' : `audio.${m[1]}`;
  if ((m = /^checks\.files\.(\w+)\.(types|maxBytes)/.exec(path))) return m[2] === 'types' ? `file.${m[1]}.types` : `file.${m[1]}.maxKb`;
  if ((m = /^checks\.images\.(\w+)\.(minWidth|minHeight)/.exec(path))) return `image.${m[1]}.${m[2]}`;
  if (path === 'checks.risk.maxEnterprisesPerHandler') return 'risk.maxEnterprisesPerHandler';
  return path;
}

export const FORM_CHOICES = { assignment: ASSIGNMENT_POLICIES, audioEncodings: AUDIO_ENCODINGS, fileTypes: FILE_TYPES, ruleTypes: ['working_minutes', 'end_of_working_day'] } as const;
