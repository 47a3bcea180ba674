import Handlebars from 'handlebars';
import type { Language } from './labels.js';

/**
 * The wording of every notice, per event, channel and language. These are the defaults;
 * admins override any of them (stored in notice_templates) and the same rules check both.
 */
export const NOTICE_EVENTS = {
  'review.approved': { audience: 'tenant', vars: ['contactName', 'tenantName', 'kindLabel', 'title', 'subjectId', 'decidedAt'] },
  'review.rejected': { audience: 'tenant', vars: ['contactName', 'tenantName', 'kindLabel', 'title', 'subjectId', 'reason', 'decidedAt'] },
  'reminder.replied': { audience: 'tenant', vars: ['contactName', 'tenantName', 'kindLabel', 'title', 'subjectId', 'message'] },
  'manual': { audience: 'tenant', vars: ['contactName', 'tenantName', 'kindLabel', 'title', 'subjectId', 'message'] },
  'service.frozen': { audience: 'tenant', vars: ['contactName', 'tenantName', 'businessType', 'reason'] },
  'service.resumed': { audience: 'tenant', vars: ['contactName', 'tenantName', 'businessType', 'reason'] },
  'service.cancelled': { audience: 'tenant', vars: ['contactName', 'tenantName', 'businessType', 'reason'] },
  'numbers.issued': { audience: 'tenant', vars: ['contactName', 'tenantName', 'kindLabel', 'title', 'subjectId', 'count', 'issued', 'ordered'] },
  'audio.prompt_cleared': { audience: 'tenant', vars: ['contactName', 'tenantName', 'audioName', 'subjectId', 'apps'] },
  'unsubscribe.finished': { audience: 'tenant', vars: ['contactName', 'tenantName', 'kindLabel', 'subjectId', 'statusLabel', 'total', 'released', 'failed'] },
  'review.at_risk': { audience: 'staff', vars: ['staffName', 'kindLabel', 'title', 'subjectId', 'due', 'link'] },
  'review.breached': { audience: 'staff', vars: ['staffName', 'kindLabel', 'title', 'subjectId', 'due', 'link'] },
  'review.reminded': { audience: 'staff', vars: ['staffName', 'kindLabel', 'title', 'subjectId', 'n', 'answerBy', 'link'] },
  'reminder.escalated': { audience: 'staff', vars: ['staffName', 'kindLabel', 'title', 'subjectId', 'n', 'answerBy', 'link'] },
  'provisioning.at_risk': { audience: 'staff', vars: ['staffName', 'kindLabel', 'title', 'subjectId', 'due', 'link'] },
  'provisioning.breached': { audience: 'staff', vars: ['staffName', 'kindLabel', 'title', 'subjectId', 'due', 'link'] },
  'review.note_mentioned': { audience: 'staff', vars: ['staffName', 'author', 'kindLabel', 'title', 'subjectId', 'note', 'link'] },
} as const;
export type NoticeEvent = keyof typeof NOTICE_EVENTS;
export const NOTICE_EVENT_NAMES = Object.keys(NOTICE_EVENTS) as NoticeEvent[];
export type NoticeChannel = 'email' | 'sms';

export interface NoticeTemplate {
  /** Email subject; null for SMS. */
  subject: string | null;
  body: string;
}

type Defaults = Record<NoticeEvent, Record<Language, { subject: string; body: string; sms: string }>>;

const DEFAULTS: Defaults = {
  'review.approved': {
    'zh-CN': { subject: '【语音服务】{{kindLabel}}“{{title}}”审核通过', body: '{{contactName}}您好：\n\n您提交的{{kindLabel}}“{{title}}”（编号 {{subjectId}}）已于{{decidedAt}}审核通过。', sms: '【语音服务】您的{{kindLabel}}“{{title}}”（{{subjectId}}）已审核通过。' },
    en: { subject: '[Voice service] {{kindLabel}} "{{title}}" approved', body: 'Hello {{contactName}},\n\nYour {{kindLabel}} "{{title}}" (ID {{subjectId}}) was approved on {{decidedAt}}.', sms: '[Voice service] Your {{kindLabel}} "{{title}}" ({{subjectId}}) was approved.' },
  },
  'review.rejected': {
    'zh-CN': { subject: '【语音服务】{{kindLabel}}“{{title}}”审核未通过', body: '{{contactName}}您好：\n\n您提交的{{kindLabel}}“{{title}}”（编号 {{subjectId}}）审核未通过。\n原因：{{reason}}\n请修改后重新提交。', sms: '【语音服务】您的{{kindLabel}}“{{title}}”未通过审核，原因：{{reason}}。请修改后重新提交。' },
    en: { subject: '[Voice service] {{kindLabel}} "{{title}}" not approved', body: 'Hello {{contactName}},\n\nYour {{kindLabel}} "{{title}}" (ID {{subjectId}}) was not approved.\nReason: {{reason}}\nPlease edit it and submit again.', sms: '[Voice service] Your {{kindLabel}} "{{title}}" was not approved: {{reason}}. Please edit and resubmit.' },
  },
  'reminder.replied': {
    'zh-CN': { subject: '【语音服务】关于您的催审：{{kindLabel}}“{{title}}”', body: '{{contactName}}您好：\n\n关于您催审的{{kindLabel}}“{{title}}”：{{message}}', sms: '【语音服务】关于您催审的“{{title}}”：{{message}}' },
    en: { subject: '[Voice service] About your reminder: {{kindLabel}} "{{title}}"', body: 'Hello {{contactName}},\n\nAbout your reminder for {{kindLabel}} "{{title}}": {{message}}', sms: '[Voice service] About your reminder for "{{title}}": {{message}}' },
  },
  manual: {
    'zh-CN': { subject: '【语音服务】关于{{kindLabel}}“{{title}}”', body: '{{contactName}}您好：\n\n{{message}}', sms: '【语音服务】{{message}}' },
    en: { subject: '[Voice service] About {{kindLabel}} "{{title}}"', body: 'Hello {{contactName}},\n\n{{message}}', sms: '[Voice service] {{message}}' },
  },
  'service.frozen': {
    'zh-CN': { subject: '【语音服务】{{businessType}}业务已冻结', body: '{{contactName}}您好：\n\n{{tenantName}}的{{businessType}}业务已被冻结，冻结期间无法发起该类呼叫。\n原因：{{reason}}\n如有疑问，请联系您的客户经理。', sms: '【语音服务】您的{{businessType}}业务已冻结，原因：{{reason}}。' },
    en: { subject: '[Voice service] {{businessType}} frozen', body: 'Hello {{contactName}},\n\nThe {{businessType}} service of {{tenantName}} has been frozen; calls of this type cannot be placed while it is frozen.\nReason: {{reason}}\nPlease contact your account manager with any questions.', sms: '[Voice service] Your {{businessType}} service is frozen: {{reason}}' },
  },
  'service.resumed': {
    'zh-CN': { subject: '【语音服务】{{businessType}}业务已恢复', body: '{{contactName}}您好：\n\n{{tenantName}}的{{businessType}}业务已恢复，可正常使用。\n说明：{{reason}}', sms: '【语音服务】您的{{businessType}}业务已恢复，可正常使用。' },
    en: { subject: '[Voice service] {{businessType}} resumed', body: 'Hello {{contactName}},\n\nThe {{businessType}} service of {{tenantName}} has been resumed and can be used again.\nNote: {{reason}}', sms: '[Voice service] Your {{businessType}} service is resumed.' },
  },
  'service.cancelled': {
    'zh-CN': { subject: '【语音服务】{{businessType}}业务已取消', body: '{{contactName}}您好：\n\n{{tenantName}}的{{businessType}}业务权限已被取消。\n原因：{{reason}}\n如需继续使用，请重新申请开通。', sms: '【语音服务】您的{{businessType}}业务已取消，原因：{{reason}}。如需使用请重新申请。' },
    en: { subject: '[Voice service] {{businessType}} cancelled', body: 'Hello {{contactName}},\n\nThe {{businessType}} service of {{tenantName}} has been cancelled.\nReason: {{reason}}\nTo use it again, please apply again.', sms: '[Voice service] Your {{businessType}} service is cancelled: {{reason}}. Apply again to use it.' },
  },
  'numbers.issued': {
    'zh-CN': { subject: '【语音服务】号码已下发：{{title}}', body: '{{contactName}}您好：\n\n您的号码订购（编号 {{subjectId}}）本次下发 {{count}} 个号码，累计已下发 {{issued}}/{{ordered}} 个。号码自下发之日起计月租，可在控制台号码列表中查看。', sms: '【语音服务】您的号码订购（{{subjectId}}）本次下发{{count}}个号码，累计{{issued}}/{{ordered}}个，自下发之日起计月租。' },
    en: { subject: '[Voice service] Numbers issued: {{title}}', body: 'Hello {{contactName}},\n\n{{count}} numbers of your number order (ID {{subjectId}}) were issued; {{issued}} of {{ordered}} are issued so far. Monthly rent starts on the day a number is issued; the numbers are listed in your console.', sms: '[Voice service] {{count}} numbers of order {{subjectId}} issued ({{issued}}/{{ordered}}); rent starts today.' },
  },
  'audio.prompt_cleared': {
    'zh-CN': { subject: '【语音服务】质检提示音已清除：{{audioName}}', body: '{{contactName}}您好：\n\n放音文件“{{audioName}}”（编号 {{subjectId}}）已删除，以下应用不再在抽检录音前播放质检提示音：{{apps}}。如需提示音，请为这些应用重新选择审核通过的放音文件。', sms: '【语音服务】放音文件“{{audioName}}”已删除，应用 {{apps}} 的质检提示音已清除，请重新设置。' },
    en: { subject: '[Voice service] Quality-check prompt cleared: {{audioName}}', body: 'Hello {{contactName}},\n\naudio file "{{audioName}}" (ID {{subjectId}}) was deleted, so these apps no longer play a prompt before sampled recordings: {{apps}}. To have one, choose another approved audio file for them.', sms: '[Voice service] Audio file "{{audioName}}" was deleted; the quality-check prompt of {{apps}} is cleared. Please set another.' },
  },
  'unsubscribe.finished': {
    'zh-CN': { subject: '【语音服务】号码退订批次 {{subjectId}}：{{statusLabel}}', body: '{{contactName}}您好：\n\n号码退订批次 {{subjectId}} 已处理完毕（{{statusLabel}}）：共 {{total}} 个号码，退订成功 {{released}} 个，失败 {{failed}} 个。退订的号码自下月起停止计租；失败原因可下载结果查看，失败的号码可重新提交。', sms: '【语音服务】退订批次{{subjectId}}：{{statusLabel}}，成功{{released}}个，失败{{failed}}个。' },
    en: { subject: '[Voice service] Unsubscribe batch {{subjectId}}: {{statusLabel}}', body: 'Hello {{contactName}},\n\nunsubscribe batch {{subjectId}} is done ({{statusLabel}}): {{total}} numbers, {{released}} released, {{failed}} failed. Rent for released numbers stops from next month; download the results for the reasons, and submit failed numbers again if needed.', sms: '[Voice service] Batch {{subjectId}}: {{statusLabel}}, {{released}} released, {{failed}} failed.' },
  },
  'review.at_risk': {
    'zh-CN': { subject: '【即将超时】{{kindLabel}}“{{title}}”', body: '{{kindLabel}}“{{title}}”即将到达审核时限（{{due}}），请尽快处理：{{link}}', sms: '' },
    en: { subject: '[At risk] {{kindLabel}} "{{title}}"', body: '{{kindLabel}} "{{title}}" is close to its deadline ({{due}}). Please decide soon: {{link}}', sms: '' },
  },
  'review.breached': {
    'zh-CN': { subject: '【已超时】{{kindLabel}}“{{title}}”', body: '{{kindLabel}}“{{title}}”已超过审核时限（{{due}}）仍未处理：{{link}}', sms: '' },
    en: { subject: '[Breached] {{kindLabel}} "{{title}}"', body: '{{kindLabel}} "{{title}}" passed its deadline ({{due}}) undecided: {{link}}', sms: '' },
  },
  'review.reminded': {
    'zh-CN': { subject: '【催审】{{kindLabel}}“{{title}}”', body: '租户催审了{{kindLabel}}“{{title}}”（第{{n}}次），请在{{answerBy}}前处理或回复：{{link}}', sms: '' },
    en: { subject: '[Reminder] {{kindLabel}} "{{title}}"', body: 'The tenant sent reminder {{n}} for {{kindLabel}} "{{title}}". Decide or reply by {{answerBy}}: {{link}}', sms: '' },
  },
  'reminder.escalated': {
    'zh-CN': { subject: '【催审未响应】{{kindLabel}}“{{title}}”', body: '租户对{{kindLabel}}“{{title}}”的第{{n}}次催审在{{answerBy}}前未得到答复：{{link}}', sms: '' },
    en: { subject: '[Unanswered reminder] {{kindLabel}} "{{title}}"', body: 'Reminder {{n}} for {{kindLabel}} "{{title}}" was not answered by {{answerBy}}: {{link}}', sms: '' },
  },
  'provisioning.at_risk': {
    'zh-CN': { subject: '【开通即将超时】{{kindLabel}}“{{title}}”', body: '{{kindLabel}}“{{title}}”的号码开通即将到达时限（{{due}}），请尽快下发号码：{{link}}', sms: '' },
    en: { subject: '[Provisioning at risk] {{kindLabel}} "{{title}}"', body: 'The numbers of {{kindLabel}} "{{title}}" are due by {{due}}. Please issue them soon: {{link}}', sms: '' },
  },
  'provisioning.breached': {
    'zh-CN': { subject: '【开通已超时】{{kindLabel}}“{{title}}”', body: '{{kindLabel}}“{{title}}”的号码开通已超过时限（{{due}}），仍有号码未下发：{{link}}', sms: '' },
    en: { subject: '[Provisioning breached] {{kindLabel}} "{{title}}"', body: 'The numbers of {{kindLabel}} "{{title}}" were due by {{due}} and are not all issued: {{link}}', sms: '' },
  },
  'review.note_mentioned': {
    'zh-CN': { subject: '【内部备注】{{author}}在{{kindLabel}}“{{title}}”中提到了您', body: '{{staffName}}您好：\n\n{{author}}在{{kindLabel}}“{{title}}”（编号 {{subjectId}}）的内部备注中提到了您：\n\n{{note}}\n\n查看：{{link}}', sms: '' },
    en: { subject: '[Internal note] {{author}} mentioned you on {{kindLabel}} "{{title}}"', body: 'Hello {{staffName}},\n\n{{author}} mentioned you in an internal note on {{kindLabel}} "{{title}}" (ID {{subjectId}}):\n\n{{note}}\n\nOpen it: {{link}}', sms: '' },
  },
};

export function defaultTemplate(event: NoticeEvent, channel: NoticeChannel, language: Language): NoticeTemplate {
  const d = DEFAULTS[event][language];
  return channel === 'email' ? { subject: d.subject, body: d.body } : { subject: null, body: d.sms };
}

export function channelsFor(event: NoticeEvent): NoticeChannel[] {
  return NOTICE_EVENTS[event].audience === 'staff' ? ['email'] : ['email', 'sms'];
}

export type TemplateProblem = 'not_compiling' | 'blocks' | 'helpers' | 'subject_required' | 'body_empty' | 'unknown_variable';

/** Why a template is refused: a code and its facts for the reader's words, and an English message for logs. */
export class TemplateError extends Error {
  constructor(
    readonly field: 'subject' | 'body',
    message: string,
    readonly code: TemplateProblem,
    readonly params: Record<string, string> = {},
  ) {
    super(`${field}: ${message}`);
    this.name = 'TemplateError';
  }
}

/** Every {{name}} a template uses; helpers and block syntax are not allowed in notice templates. */
function usedNames(source: string, field: 'subject' | 'body'): string[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    throw new TemplateError(field, `does not compile: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, 'not_compiling');
  }
  const names: string[] = [];
  for (const node of ast.body) {
    if (node.type === 'ContentStatement' || node.type === 'CommentStatement') continue;
    if (node.type !== 'MustacheStatement') throw new TemplateError(field, 'only plain {{variables}} are allowed (no blocks, partials or helpers)', 'blocks');
    const m = node as hbs.AST.MustacheStatement;
    if (m.params.length > 0 || m.path.type !== 'PathExpression') throw new TemplateError(field, 'only plain {{variables}} are allowed (no helpers)', 'helpers');
    names.push((m.path as hbs.AST.PathExpression).original);
  }
  return names;
}

/** Refuses a template that does not compile or uses a variable the event does not have, naming it. */
export function validateTemplate(event: NoticeEvent, channel: NoticeChannel, t: NoticeTemplate): void {
  const allowed = new Set<string>(NOTICE_EVENTS[event].vars);
  const fields: ['subject' | 'body', string | null][] = [['subject', channel === 'email' ? t.subject : null], ['body', t.body]];
  if (channel === 'email' && !t.subject?.trim()) throw new TemplateError('subject', 'an email needs a subject', 'subject_required');
  if (!t.body.trim()) throw new TemplateError('body', 'the text is empty', 'body_empty');
  for (const [field, source] of fields) {
    if (source === null) continue;
    for (const name of usedNames(source, field)) {
      if (!allowed.has(name)) throw new TemplateError(field, `unknown variable {{${name}}}; this notice has ${[...allowed].map((v) => `{{${v}}}`).join(', ')}`, 'unknown_variable', {
          name: `{{${name}}}`,
          allowed: [...allowed].map((v) => `{{${v}}}`).join(' '),
        });
    }
  }
}

export type NoticeFacts = Partial<Record<string, string | number>>;

/** Renders text (for SMS and text mail) and, for email, an HTML part with every value escaped. */
/**
 * Compiled templates by their text: a template is parsed and compiled once, not for every notice
 * (three times each, as it was). Few distinct texts exist (events × channels × languages, plus
 * admins' overrides); the memo starts afresh should edits ever pile up.
 */
const compiled = new Map<string, HandlebarsTemplateDelegate>();
const MAX_COMPILED = 500;

function compileOnce(source: string, escape: boolean): HandlebarsTemplateDelegate {
  const key = `${escape ? 'html' : 'text'}:${source}`;
  let template = compiled.get(key);
  if (!template) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    template = Handlebars.compile(source, escape ? {} : { noEscape: true });
    compiled.set(key, template);
  }
  return template;
}

export function renderTemplate(t: NoticeTemplate, facts: NoticeFacts): { subject: string | null; text: string; html: string } {
  const values = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, v === undefined ? '' : String(v)]));
  const text = compileOnce(t.body, false)(values);
  const html = compileOnce(t.body, true)(values).split('\n').map((line) => `<p>${line}</p>`).join('');
  const subject = t.subject === null ? null : compileOnce(t.subject, false)(values);
  return { subject, text, html };
}

/** SMS segments: GSM-7 text fits 160 (153 per part), anything else (Chinese) 70 (67 per part). */
export function smsSegments(text: string): { characters: number; segments: number; encoding: 'GSM-7' | 'UCS-2' } {
  const gsm = /^[A-Za-z0-9 @£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà^{}\\[~\]|€]*$/.test(text);
  const characters = [...text].length;
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return { characters, segments: characters === 0 ? 0 : characters <= single ? 1 : Math.ceil(characters / multi), encoding: gsm ? 'GSM-7' : 'UCS-2' };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The HTML part of an email from its rendered text: every character escaped, one paragraph per line. */
export function textToHtml(text: string): string {
  return text
    .split('\n')
    .map((line) => `<p>${line.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c)}</p>`)
    .join('\n');
}
