import type { Messages } from '../types.js';

/**
 * The declarations' first versions (what is in force until an admin publishes another), the
 * refusals of a submission that does not accept the one in force, and the back office's words.
 */
export const declarationMessages = {
  'declaration.service_statement.title': { 'zh-CN': '《语音通话服务使用声明》', en: 'Voice-call service statement' },
  'declaration.service_statement.text': {
    'zh-CN':
      '本单位承诺：使用语音通话服务仅用于申请中所述的合法业务场景，不用于营销骚扰、诈骗或任何违反法律法规的用途；呼叫内容真实、合规，并事先取得被叫用户的同意；配合平台及运营商的抽检与投诉处理。如有违反，平台有权冻结或取消业务并保留追究责任的权利。',
    en: 'We undertake to use the voice-call service only for the lawful business scenario stated in this application, never for unsolicited marketing, fraud or any unlawful purpose; to keep call content truthful and compliant, with the called party’s prior consent; and to cooperate with the platform’s and carriers’ sampling and complaint handling. The platform may freeze or cancel the service for any breach and reserves its rights.',
  },
  'declaration.enterprise_authorisation.title': { 'zh-CN': '授权声明', en: 'Authorisation statement' },
  'declaration.enterprise_authorisation.text': {
    'zh-CN':
      '本单位及经办人知悉并同意：为向运营商申请号码资源，平台将收集、存储并向运营商提交本次填写的企业信息及经办人、法定代表人的身份证件信息与照片。上述信息属于敏感个人信息，仅用于号码申请及相关合规核验，不作其他用途；平台按照法律法规要求加密保存，并在业务终止后依法删除。',
    en: 'We and the handler understand and agree that, to apply to carriers for numbers, the platform collects, keeps and submits to the carriers the enterprise information given here and the ID document data and photos of the handler and the legal representative. This is sensitive personal data, used only for the number application and the compliance checks it needs, for nothing else; the platform keeps it encrypted as the law requires and deletes it lawfully once the service ends.',
  },
  'declaration.declaration_required': {
    'zh-CN': '请先阅读并同意{title}（GET /declarations），并在 declaration 字段中填写其版本号 {version}',
    en: 'read and accept the {title} (GET /declarations) and send its version, {version}, in the field declaration',
  },
  'declaration.declaration_outdated': {
    'zh-CN': '{title}已更新为第 {version} 版（您同意的是第 {given} 版），请阅读新版本（GET /declarations）并在 declaration 中填写 {version}',
    en: 'the {title} has a new version, {version} (you accepted {given}): read it (GET /declarations) and send {version} in the field declaration',
  },
  'declaration.declaration_unknown': {
    'zh-CN': '{title}没有第“{given}”版；现行版本为 {version}（GET /declarations）',
    en: 'the {title} has no version “{given}”; the one in force is {version} (GET /declarations)',
  },
  'declarations.title': { 'zh-CN': '声明', en: 'Declarations' },
  'declarations.accepted': { 'zh-CN': '已同意的声明', en: 'Declarations accepted' },
  'declarations.acceptedLine': { 'zh-CN': '{title} 第 {version} 版，{at} 同意（第 {round} 轮）', en: '{title}, version {version}, accepted {at} (round {round})' },
  'declarations.none': { 'zh-CN': '未记录已同意的声明', en: 'No declaration recorded' },
  'declarations.inForce': { 'zh-CN': '现行版本', en: 'In force' },
  'declarations.version': { 'zh-CN': '版本', en: 'Version' },
  'declarations.publishedAt': { 'zh-CN': '发布时间', en: 'Published' },
  'declarations.publishedBy': { 'zh-CN': '发布人', en: 'By' },
  'declarations.builtIn': { 'zh-CN': '初始版本', en: 'Initial version' },
  'declarations.publish': { 'zh-CN': '发布新版本', en: 'Publish a new version' },
  'declarations.titleZh': { 'zh-CN': '标题（中文）', en: 'Title (Chinese)' },
  'declarations.titleEn': { 'zh-CN': '标题（英文）', en: 'Title (English)' },
  'declarations.textZh': { 'zh-CN': '正文（中文）', en: 'Text (Chinese)' },
  'declarations.textEn': { 'zh-CN': '正文（英文）', en: 'Text (English)' },
  'declarations.published': { 'zh-CN': '已发布{title}第 {version} 版；此后提交须同意该版本', en: 'Published version {version} of the {title}; submissions must accept it from now on' },
  'declarations.history': { 'zh-CN': '历史版本', en: 'Versions' },
  'declarations.publishExplained': {
    'zh-CN': '发布后立即生效：之后的提交须填写新版本号，填写旧版本将被拒绝。旧版本仍可查阅。',
    en: 'A new version is in force at once: later submissions must name it, and an older one is refused. Older versions stay readable.',
  },
  'declarations.unchanged': { 'zh-CN': '内容与现行版本相同，未发布新版本', en: 'The same as the version in force; nothing was published' },
  'nav.declarations': { 'zh-CN': '声明', en: 'Declarations' },
  'insight.action.declaration.publish': { 'zh-CN': '发布声明新版本', en: 'Declaration version published' },
  'insight.objectType.declaration': { 'zh-CN': '声明', en: 'Declaration' },
} as const satisfies Messages;
