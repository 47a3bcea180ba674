import type { Language } from './labels.js';

/**
 * Validation wording for tenants and staff, in both languages. Schemas name a key (e.g.
 * `{ error: 'v.name_chars' }`); issues without one are worded from their zod code. `{x}`
 * is filled from the issue (maximum, minimum, values, keys) or its params.
 */
const MESSAGES: Record<string, Record<Language, string>> = {
  'v.required': { 'zh-CN': '必填', en: 'is required' },
  'v.invalid_type': { 'zh-CN': '类型不正确，应为{expected}', en: 'must be {expected}' },
  'v.too_long': { 'zh-CN': '最多 {maximum} 个字符', en: 'must be at most {maximum} characters' },
  'v.too_short': { 'zh-CN': '至少 {minimum} 个字符', en: 'must be at least {minimum} characters' },
  'v.too_big': { 'zh-CN': '不能大于 {maximum}', en: 'must be at most {maximum}' },
  'v.too_small': { 'zh-CN': '不能小于 {minimum}', en: 'must be at least {minimum}' },
  'v.too_many': { 'zh-CN': '最多 {maximum} 项', en: 'must have at most {maximum} entries' },
  'v.too_few': { 'zh-CN': '至少 {minimum} 项', en: 'must have at least {minimum} entries' },
  'v.one_of': { 'zh-CN': '取值须为：{values}', en: 'must be one of {values}' },
  'v.unknown_field': { 'zh-CN': '未知字段：{keys}', en: 'unknown field: {keys}' },
  'v.integer': { 'zh-CN': '须为整数', en: 'must be a whole number' },
  'v.boolean': { 'zh-CN': '须为 true 或 false', en: 'must be true or false' },
  'v.email': { 'zh-CN': '邮箱格式不正确', en: 'must be a valid e-mail address' },
  'v.url_https': { 'zh-CN': '须为完整的 https 地址，不含空格与账号密码', en: 'must be a full https URL without spaces or credentials' },
  'v.url_spaces': { 'zh-CN': '地址中不能有空格', en: 'must not contain spaces' },
  'v.url_scheme': { 'zh-CN': '须使用 https 协议', en: 'must be an https URL' },
  'v.url_credentials': { 'zh-CN': '地址中不能包含账号或密码', en: 'must not contain a user name or password' },
  'v.invalid_format': { 'zh-CN': '格式不正确', en: 'has the wrong format' },
  'v.control_chars': { 'zh-CN': '含有不可见的控制字符', en: 'contains invisible control characters' },
  'v.name_chars': { 'zh-CN': '只能包含字母、数字、下划线和汉字，不能有空格', en: 'may contain only letters, digits, underscore and Chinese characters, without spaces' },
  'v.unknown_variable': { 'zh-CN': '未知变量 ${{name}}：请使用 DATE、TIME、TXT_n 或 NUM_n（n 为 1-32）', en: 'unknown variable ${{name}}: use DATE, TIME, TXT_n or NUM_n with n from 1 to 32' },
  'v.mobile': { 'zh-CN': '须为带国家码的手机号，如 +8613800138000', en: 'must be a phone number with its country code, e.g. +8613800138000' },
  'v.mobile_cn': { 'zh-CN': '+86 手机号为 13-19 开头的 11 位数字', en: 'a +86 mobile number has 11 digits starting with 13-19' },
  'v.license_code': { 'zh-CN': '须为 18 位统一社会信用代码或 9 位组织机构代码', en: 'must be an 18-character unified social credit code or a 9-character organisation code' },
  'v.id_number': { 'zh-CN': '须为 18 位居民身份证号码（校验位正确）', en: 'must be an 18-character resident ID number with a valid check digit' },
  'v.carrier_name': { 'zh-CN': '请填写业务承载方的名称或网址', en: 'give the name or URL of the carrier' },
  'v.duplicate_city': { 'zh-CN': '城市“{city}”重复', en: 'the city "{city}" is listed twice' },
  'v.industry_other': { 'zh-CN': '行业选择“其他”时请填写具体行业', en: 'describe the industry when it is "other"' },
  'v.audio_file_id': { 'zh-CN': '须为放音文件 ID（AF 开头，共 18 位）', en: 'must be an audio file id (AF and 16 more characters)' },
  'v.contact_id': { 'zh-CN': '须为联系人 ID（GET /contacts 中的 id）', en: 'must be a contact id (an id from GET /contacts)' },
  'v.contact_required': { 'zh-CN': '请用 contactId 选择一位联系人，或用 contact 填写业务联系人', en: 'name the business contact: contactId (one of your contacts) or contact {name, mobile}' },
  'v.contact_both': { 'zh-CN': 'contactId 与 contact 只能填写其一', en: 'give contactId or contact, not both' },
  'v.contact_unknown': { 'zh-CN': '没有该联系人；请从 GET /contacts 中选择', en: 'no such contact of yours; pick one from GET /contacts' },
};

export interface IssueLike {
  code: string;
  message: string;
  expected?: unknown;
  maximum?: unknown;
  minimum?: unknown;
  values?: unknown[];
  keys?: string[];
  origin?: string;
  input?: unknown;
  params?: Record<string, unknown>;
}

/**
 * Whether the field was sent at all. zod keeps the value only when asked to (`reportInput`); its
 * own message still names what it received ("…, received number"), so a value of the wrong type
 * is told apart from a missing one either way.
 */
function present(issue: IssueLike): boolean {
  if (issue.input !== undefined) return true;
  const received = /received (\w+)$/.exec(issue.message)?.[1];
  return received !== undefined && received !== 'undefined';
}

function keyFor(issue: IssueLike): string | undefined {
  if (MESSAGES[issue.message]) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      if (!present(issue)) return 'v.required';
      if (issue.expected === 'boolean') return 'v.boolean';
      if (issue.expected === 'int') return 'v.integer';
      return 'v.invalid_type';
    case 'too_big':
      return issue.origin === 'string' ? 'v.too_long' : issue.origin === 'array' ? 'v.too_many' : 'v.too_big';
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return 'v.required';
      return issue.origin === 'string' ? 'v.too_short' : issue.origin === 'array' ? 'v.too_few' : 'v.too_small';
    case 'invalid_value':
      return 'v.one_of';
    case 'unrecognized_keys':
      return 'v.unknown_field';
    case 'invalid_format':
      return 'v.invalid_format';
    default:
      return undefined;
  }
}

const EXPECTED: Record<string, Record<Language, string>> = {
  string: { 'zh-CN': '文本', en: 'text' },
  number: { 'zh-CN': '数字', en: 'a number' },
  int: { 'zh-CN': '整数', en: 'a whole number' },
  boolean: { 'zh-CN': '布尔值', en: 'true or false' },
  object: { 'zh-CN': '对象', en: 'an object' },
  array: { 'zh-CN': '列表', en: 'a list' },
};

/** One validation issue in the reader's language. */
export function translateIssue(issue: IssueLike, lang: Language): string {
  const key = keyFor(issue);
  if (!key) return issue.message;
  const vars: Record<string, string> = {
    expected: EXPECTED[String(issue.expected)]?.[lang] ?? String(issue.expected ?? ''),
    maximum: String(issue.maximum ?? ''),
    minimum: String(issue.minimum ?? ''),
    values: (issue.values ?? []).map(String).join(', '),
    keys: (issue.keys ?? []).join(', '),
    ...Object.fromEntries(Object.entries(issue.params ?? {}).map(([k, v]) => [k, String(v)])),
  };
  return (MESSAGES[key]?.[lang] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
}

