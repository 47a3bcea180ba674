import Handlebars from 'handlebars';
import { KIND_LABELS, type Language } from '../domain/labels.js';
import type { DecisionOutcome, ReviewKind } from '../domain/review.js';

/**
 * Wording of the decision notice sent to a tenant's contacts. Admin-editable templates
 * replace these defaults later; the facts passed in stay the same.
 */
const templates: Record<Language, Record<DecisionOutcome, { subject: string; text: string }>> = {
  'zh-CN': {
    approved: {
      subject: '【语音服务】{{kindLabel}}“{{title}}”审核通过',
      text: '您好，您提交的{{kindLabel}}“{{title}}”（编号 {{subjectId}}）已审核通过。',
    },
    rejected: {
      subject: '【语音服务】{{kindLabel}}“{{title}}”审核未通过',
      text: '您好，您提交的{{kindLabel}}“{{title}}”（编号 {{subjectId}}）审核未通过，原因：{{reason}}。请修改后重新提交。',
    },
  },
  en: {
    approved: {
      subject: '[Voice service] {{kindLabel}} "{{title}}" approved',
      text: 'Hello, your {{kindLabel}} "{{title}}" (ID {{subjectId}}) has been approved.',
    },
    rejected: {
      subject: '[Voice service] {{kindLabel}} "{{title}}" not approved',
      text: 'Hello, your {{kindLabel}} "{{title}}" (ID {{subjectId}}) was not approved. Reason: {{reason}}. Please edit it and submit again.',
    },
  },
};

// Plain-text channels: no HTML escaping (SMS and text mail are not HTML).
const compiled = new Map<string, HandlebarsTemplateDelegate>();
function render(source: string, facts: object): string {
  let fn = compiled.get(source);
  if (!fn) {
    fn = Handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(source, fn);
  }
  return fn(facts);
}

export interface DecisionNoticeFacts {
  kind: ReviewKind;
  title: string;
  subjectId: string;
  outcome: DecisionOutcome;
  reason: string | null;
}

export function renderDecisionNotice(facts: DecisionNoticeFacts, language: Language): { subject: string; text: string } {
  const t = templates[language][facts.outcome];
  const values = { ...facts, reason: facts.reason ?? '', kindLabel: KIND_LABELS[facts.kind][language] };
  return { subject: render(t.subject, values), text: render(t.text, values) };
}
