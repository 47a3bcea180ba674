/**
 * A kind's rule set: everything admins adjust about how its reviews run. Each save is a new
 * version (db/rule-sets.ts); the defaults come from the kind's definition. Pure: no I/O.
 */
import { AUDIO_ENCODINGS, MAX_FILE_BYTES, type AudioLimits, type FileLimit, type ImageMinimum, type KindChecks, type RiskLimits, type TemplateChecks } from './checks.js';
import { KINDS } from './kinds/index.js';
import type { FileType } from './kinds/definition.js';
import type { Language } from './labels.js';
import { DEFAULT_REMINDER_POLICY, ReminderPolicyError, validateReminderPolicy, type ReminderPolicy } from './reminder-policy.js';
import type { ReviewKind } from './review.js';
import { validateDeadlineRule, WorkingTimeError, type DeadlineRule } from './working-time.js';

export const ASSIGNMENT_POLICIES = ['none', 'round_robin', 'least_loaded'] as const;
export type AssignmentPolicy = (typeof ASSIGNMENT_POLICIES)[number];

/** A rejection reason in the catalogue. Decisions store the code; a retired reason stays readable. */
export interface ReasonEntry {
  code: string;
  /** How staff see it in the decision form. */
  staff: Record<Language, string>;
  /** What the tenant's contacts read. */
  tenant: Record<Language, string>;
  /** The reviewer must add their own words. */
  requiresText: boolean;
  /** Offered to reviewers; an inactive reason is kept for the decisions that used it. */
  active: boolean;
}

export interface RuleSet {
  deadlines: { review: DeadlineRule; fulfilment?: DeadlineRule };
  /** Share of a round's working time after which it is at risk (0 < share < 1). */
  atRiskShare: number;
  reminders: ReminderPolicy;
  reasons: ReasonEntry[];
  checks: KindChecks;
  assignment: AssignmentPolicy;
}

/** A review is at risk once this share of its working time has passed, unless the kind's rule set says otherwise. */
export const DEFAULT_AT_RISK_SHARE = 0.75;

/** Every file type the content sniffer recognises. */
export const FILE_TYPES: readonly FileType[] = ['jpg', 'png', 'rar', 'zip', 'wav', 'xlsx'];

/** Invalid rule set; `field` names the offending field as the admin form does, e.g. `reasons.2.code`. */
export class RuleSetError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'RuleSetError';
  }
}

const fail = (field: string, reason: string): never => {
  throw new RuleSetError(field, reason);
};

/** The checks a kind runs, with its definition's limits; multipart kinds get their file limits. */
export function defaultChecks(kind: ReviewKind): KindChecks {
  const def = KINDS[kind];
  const checks: KindChecks = structuredClone(def.checks ?? {});
  if (def.intake.type === 'multipart' && !checks.files) {
    checks.files = Object.fromEntries(Object.entries(def.intake.files).map(([field, rule]) => [field, { types: [...rule.types], maxBytes: rule.maxBytes }]));
  }
  return checks;
}

/** The rule set a kind runs with before any admin changed it. */
export function defaultRuleSet(kind: ReviewKind): RuleSet {
  const def = KINDS[kind];
  return {
    deadlines: { review: { ...def.deadlines.review }, ...(def.deadlines.fulfilment ? { fulfilment: { ...def.deadlines.fulfilment } } : {}) },
    atRiskShare: DEFAULT_AT_RISK_SHARE,
    reminders: { ...DEFAULT_REMINDER_POLICY, answerWithin: { ...DEFAULT_REMINDER_POLICY.answerWithin } },
    reasons: def.rejectionReasons.map((r) => ({ code: r.code, staff: { ...r.text }, tenant: { ...r.text }, requiresText: r.requiresText, active: true })),
    checks: defaultChecks(kind),
    assignment: 'none',
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function rule(value: unknown, field: string): DeadlineRule {
  try {
    return validateDeadlineRule(value);
  } catch (err) {
    if (err instanceof WorkingTimeError) fail(err.field === 'rule' ? field : `${field}.${err.field}`, err.message.slice(err.field.length + 2));
    throw err;
  }
}

function whole(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return fail(field, `must be a whole number, got ${JSON.stringify(value) ?? 'nothing'}`);
  if (value < min || value > max) fail(field, `must be from ${min} to ${max}, got ${value}`);
  return value;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') return fail(field, 'must not be empty');
  const t = value.trim();
  if ([...t].length > max) fail(field, `must be at most ${max} characters`);
  return t;
}

function wording(value: unknown, field: string): Record<Language, string> {
  const v = isObject(value) ? value : {};
  return { 'zh-CN': text(v['zh-CN'], `${field}.zh-CN`, 100), en: text(v.en, `${field}.en`, 100) };
}

const REASON_CODE = /^[a-z][a-z0-9_]{1,39}$/;

function reasons(value: unknown): ReasonEntry[] {
  if (!Array.isArray(value)) return fail('reasons', 'must be a list');
  if (value.length > 100) fail('reasons', 'at most 100 reasons');
  const seen = new Set<string>();
  const out = value.map((raw, i): ReasonEntry => {
    const r = isObject(raw) ? raw : {};
    const code = typeof r.code === 'string' ? r.code.trim() : '';
    if (!REASON_CODE.test(code)) fail(`reasons.${i}.code`, 'must be 2-40 lower-case letters, digits or underscores, starting with a letter');
    if (seen.has(code)) fail(`reasons.${i}.code`, `"${code}" is listed twice`);
    seen.add(code);
    return { code, staff: wording(r.staff, `reasons.${i}.staff`), tenant: wording(r.tenant, `reasons.${i}.tenant`), requiresText: r.requiresText === true, active: r.active !== false };
  });
  const other = out.findIndex((r) => r.code === 'other');
  if (other < 0) fail('reasons', 'the catalogue needs the reason "other"');
  if (!out[other]!.active) fail(`reasons.${other}.active`, '"other" must stay active');
  return out;
}

function templateChecks(value: unknown): TemplateChecks {
  const v = isObject(value) ? value : {};
  const list = Array.isArray(v.bannedPhrases) ? v.bannedPhrases : fail('checks.template.bannedPhrases', 'must be a list');
  if (list.length > 1000) fail('checks.template.bannedPhrases', 'at most 1000 words or phrases');
  const bannedPhrases: string[] = [];
  list.forEach((p, i) => {
    const t = text(p, `checks.template.bannedPhrases.${i}`, 50);
    if (!bannedPhrases.includes(t)) bannedPhrases.push(t);
  });
  return {
    bannedPhrases,
    maxVariables: whole(v.maxVariables, 'checks.template.maxVariables', 0, 64),
    maxLength: whole(v.maxLength, 'checks.template.maxLength', 1, 500),
  };
}

function numberList(value: unknown, field: string, min: number, max: number): number[] {
  if (!Array.isArray(value) || value.length === 0) return fail(field, 'must list at least one value');
  return [...new Set(value.map((n, i) => whole(n, `${field}.${i}`, min, max)))].sort((a, b) => a - b);
}

function audioLimits(value: unknown): AudioLimits {
  const v = isObject(value) ? value : {};
  if (!Array.isArray(v.encodings) || v.encodings.length === 0) fail('checks.audio.encodings', 'must allow at least one encoding');
  const encodings = (v.encodings as unknown[]).map((f, i) =>
    typeof f === 'string' && (AUDIO_ENCODINGS as readonly string[]).includes(f) ? f : fail(`checks.audio.encodings.${i}`, `must be one of ${AUDIO_ENCODINGS.join(', ')}`),
  );
  return {
    encodings: [...new Set(encodings)],
    sampleRates: numberList(v.sampleRates, 'checks.audio.sampleRates', 1000, 192_000),
    channels: numberList(v.channels, 'checks.audio.channels', 1, 8),
    maxDurationSeconds: whole(v.maxDurationSeconds, 'checks.audio.maxDurationSeconds', 1, 3600),
    maxBytes: whole(v.maxBytes, 'checks.audio.maxBytes', 1024, MAX_FILE_BYTES),
  };
}

function fileLimit(value: unknown, field: string): FileLimit {
  const v = isObject(value) ? value : {};
  if (!Array.isArray(v.types) || v.types.length === 0) fail(`${field}.types`, 'must allow at least one type');
  const types = (v.types as unknown[]).map((t, i) => (FILE_TYPES.includes(t as FileType) ? (t as FileType) : fail(`${field}.types.${i}`, `must be one of ${FILE_TYPES.join(', ')}`)));
  return { types: [...new Set(types)], maxBytes: whole(v.maxBytes, `${field}.maxBytes`, 1024, MAX_FILE_BYTES) };
}

function imageMinimums(defaults: Record<string, ImageMinimum>, value: unknown): Record<string, ImageMinimum> {
  const given = isObject(value) ? value : {};
  return Object.fromEntries(
    Object.entries(defaults).map(([field, d]) => {
      if (given[field] === undefined) return [field, d];
      const v = isObject(given[field]) ? given[field] : {};
      return [field, { minWidth: whole(v.minWidth, `checks.images.${field}.minWidth`, 0, 20_000), minHeight: whole(v.minHeight, `checks.images.${field}.minHeight`, 0, 20_000) }];
    }),
  );
}

function riskLimits(value: unknown): RiskLimits {
  const v = isObject(value) ? value : {};
  return { maxEnterprisesPerHandler: whole(v.maxEnterprisesPerHandler, 'checks.risk.maxEnterprisesPerHandler', 1, 1000) };
}

/** Only the checks the kind runs are kept; a section missing from a stored version takes its default. */
function checks(kind: ReviewKind, value: unknown): KindChecks {
  const defaults = defaultChecks(kind);
  const v = isObject(value) ? value : {};
  const out: KindChecks = {};
  if (defaults.template) out.template = v.template === undefined ? defaults.template : templateChecks(v.template);
  if (defaults.audio) out.audio = v.audio === undefined ? defaults.audio : audioLimits(v.audio);
  if (defaults.images) out.images = imageMinimums(defaults.images, v.images);
  if (defaults.risk) out.risk = v.risk === undefined ? defaults.risk : riskLimits(v.risk);
  if (defaults.files) {
    const given = isObject(v.files) ? v.files : {};
    out.files = Object.fromEntries(
      Object.entries(defaults.files).map(([field, d]) => [field, given[field] === undefined ? d : fileLimit(given[field], `checks.files.${field}`)]),
    );
  }
  return out;
}

/**
 * Checks an untrusted rule set (an admin's form, a stored version) and returns a clean copy.
 * Sections missing from it take the kind's defaults, so versions stored before a section existed
 * still read; a present section is checked whole and a refusal names the field.
 */
export function parseRuleSet(kind: ReviewKind, raw: unknown): RuleSet {
  const defaults = defaultRuleSet(kind);
  const v = isObject(raw) ? raw : {};
  const d = isObject(v.deadlines) ? v.deadlines : {};
  const deadlines: RuleSet['deadlines'] = { review: d.review === undefined ? defaults.deadlines.review : rule(d.review, 'deadlines.review') };
  if (defaults.deadlines.fulfilment) deadlines.fulfilment = d.fulfilment === undefined ? defaults.deadlines.fulfilment : rule(d.fulfilment, 'deadlines.fulfilment');

  let atRiskShare = defaults.atRiskShare;
  if (v.atRiskShare !== undefined) {
    if (typeof v.atRiskShare !== 'number' || !(v.atRiskShare >= 0.01 && v.atRiskShare <= 0.99)) fail('atRiskShare', 'must be from 1% to 99%');
    atRiskShare = Math.round((v.atRiskShare as number) * 100) / 100;
  }

  let reminders = defaults.reminders;
  if (v.reminders !== undefined) {
    try {
      reminders = validateReminderPolicy(v.reminders);
    } catch (err) {
      if (err instanceof ReminderPolicyError) fail(`reminders.${err.field}`, err.message.slice(err.field.length + 2));
      throw err;
    }
  }

  const assignment = v.assignment === undefined ? defaults.assignment : v.assignment;
  if (!(ASSIGNMENT_POLICIES as readonly unknown[]).includes(assignment)) fail('assignment', `must be one of ${ASSIGNMENT_POLICIES.join(', ')}`);

  return {
    deadlines,
    atRiskShare,
    reminders,
    reasons: v.reasons === undefined ? defaults.reasons : reasons(v.reasons),
    checks: checks(kind, v.checks),
    assignment: assignment as AssignmentPolicy,
  };
}

/**
 * Reasons are never dropped: one missing from `next` but known to `current` (a restore of an
 * older version, a form that left it out) is kept, retired, so decisions that used it still read.
 */
export function keepRetiredReasons(next: RuleSet, current: RuleSet): RuleSet {
  const known = new Set(next.reasons.map((r) => r.code));
  const retired = current.reasons.filter((r) => !known.has(r.code)).map((r) => ({ ...r, active: false }));
  return retired.length === 0 ? next : { ...next, reasons: [...next.reasons, ...retired] };
}

/** Whether the change moves open deadlines or open reminders' answer times (and so needs a recompute). */
export function changesDeadlines(before: RuleSet, after: RuleSet): boolean {
  return (
    JSON.stringify(before.deadlines) !== JSON.stringify(after.deadlines) ||
    before.atRiskShare !== after.atRiskShare ||
    JSON.stringify(before.reminders.answerWithin) !== JSON.stringify(after.reminders.answerWithin)
  );
}

export interface RuleChange {
  /** Dotted path, reasons by code: `reasons[banned_words].active`. */
  path: string;
  before: string;
  after: string;
}

function describeValue(v: unknown): string {
  if (v === undefined) return '—';
  if (isObject(v) && v.type === 'working_minutes') return `working_minutes ${String(v.minutes)}`;
  if (isObject(v) && v.type === 'end_of_working_day') return `end_of_working_day ${String(v.days)}`;
  if (Array.isArray(v)) return v.map((x) => describeValue(x)).join(', ');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  const leaf = !isObject(value) || value.type === 'working_minutes' || value.type === 'end_of_working_day';
  if (leaf) {
    out.set(path, value);
    return;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
}

function flat(set: RuleSet): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const { reasons: list, ...rest } = set;
  flatten(rest, '', out);
  for (const r of list) {
    const { code, ...fields } = r;
    flatten(fields, `reasons[${code}]`, out);
  }
  return out;
}

/** What changed between two rule sets, field by field, in words a person reads. */
export function diffRuleSets(before: RuleSet, after: RuleSet): RuleChange[] {
  const a = flat(before);
  const b = flat(after);
  const changes: RuleChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = describeValue(a.get(path));
    const y = describeValue(b.get(path));
    if (x !== y) changes.push({ path, before: x, after: y });
  }
  return changes;
}
