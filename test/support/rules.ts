import { defaultRuleSet, type RuleSet } from '../../domain/rule-set.js';
import type { BackOfficeSession } from './back-office.js';
import type { ReviewKind } from '../../domain/review.js';
import { formFromRuleSet } from '../../server/backoffice/rule-form.js';

/** The rule-set editor's fields for `rules`, as a browser would post the form (checkboxes repeated). */
export function ruleFormBody(kind: ReviewKind, rules: RuleSet, csrf: string, comment = ''): URLSearchParams {
  const f = formFromRuleSet(kind, rules, comment);
  const b = new URLSearchParams({ _csrf: csrf });
  b.append('review.type', f.review.type);
  b.append('review.amount', f.review.amount);
  if (f.fulfilment) {
    b.append('fulfilment.type', f.fulfilment.type);
    b.append('fulfilment.amount', f.fulfilment.amount);
  }
  b.append('atRiskPercent', f.atRiskPercent);
  b.append('reminders.minPending', f.reminders.minPending);
  b.append('reminders.coolDown', f.reminders.coolDown);
  b.append('reminders.maxPerRound', f.reminders.maxPerRound);
  b.append('reminders.answer.type', f.reminders.answer.type);
  b.append('reminders.answer.amount', f.reminders.answer.amount);
  for (const r of f.reasons) {
    b.append(`reason.${r.n}.code`, r.code);
    b.append(`reason.${r.n}.staffZh`, r.staffZh);
    b.append(`reason.${r.n}.staffEn`, r.staffEn);
    b.append(`reason.${r.n}.tenantZh`, r.tenantZh);
    b.append(`reason.${r.n}.tenantEn`, r.tenantEn);
    if (r.requiresText) b.append(`reason.${r.n}.requiresText`, '1');
    if (r.active) b.append(`reason.${r.n}.active`, '1');
  }
  if (f.template) {
    b.append('template.banned', f.template.banned);
    b.append('template.maxVariables', f.template.maxVariables);
    b.append('template.maxLength', f.template.maxLength);
  }
  if (f.audio) {
    for (const x of f.audio.encodings) b.append('audio.encodings', x);
    b.append('audio.sampleRates', f.audio.sampleRates);
    b.append('audio.channels', f.audio.channels);
    b.append('audio.maxDurationSeconds', f.audio.maxDurationSeconds);
    b.append('audio.maxKb', f.audio.maxKb);
  }
  for (const file of f.files ?? []) {
    for (const t of file.types) b.append(`file.${file.field}.types`, t);
    b.append(`file.${file.field}.maxKb`, file.maxKb);
  }
  for (const image of f.images ?? []) {
    b.append(`image.${image.field}.minWidth`, image.minWidth);
    b.append(`image.${image.field}.minHeight`, image.minHeight);
  }
  if (f.risk) b.append('risk.maxEnterprisesPerHandler', f.risk.maxEnterprisesPerHandler);
  b.append('assignment', f.assignment);
  b.append('comment', f.comment);
  return b;
}

/** Saves a kind's rule set through its editor: the defaults' fields with some changed, as a browser posts them. */
export async function saveRuleSet(admin: BackOfficeSession, kind: ReviewKind, changes: Record<string, string>) {
  const body = ruleFormBody(kind, defaultRuleSet(kind), admin.csrf, 'test');
  for (const [k, v] of Object.entries(changes)) body.set(k, v);
  return admin.postRaw(`/admin/rules/${kind}`, body);
}

/** The what-if numbers a preview fragment shows. */
export function impactOf(html: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of html.matchAll(/data-impact="(\w+)">(\d+)</g)) out[m[1]!] = Number(m[2]);
  return out;
}
