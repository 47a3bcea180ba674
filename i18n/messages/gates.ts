import type { Messages } from '../types.js';

/**
 * The platform's gates in words: the tenant's refusals (gate.*, each saying what to do next) and
 * the same refusals as staff read them when approving or issuing (refusal.*). Parameters:
 * {company}, {app}, {enterpriseType}, {appType}, {businessType}, {until}, {reason}.
 */
export const gateMessages = {
  'gate.enterprise_not_approved': {
    'zh-CN': '企业资质“{company}”{enterpriseStatus}，只有审核通过的企业可以订购号码。请在审核通过后再订购',
    en: 'enterprise “{company}” {enterpriseStatus}: only an approved enterprise may order numbers. Order once it is approved',
  },
  'gate.app_not_normal': {
    'zh-CN': '应用“{app}”{appStatus}，只能为正常状态的应用订购号码。请先启用该应用（PATCH /apps/{id} status=normal）',
    en: 'app “{app}” {appStatus}: numbers are ordered for an app in normal state. Enable it first (PATCH /apps/{id} with status normal)',
  },
  'gate.enterpriseStatus.pending': { 'zh-CN': '正在审核中（pending）', en: 'is pending, not approved' },
  'gate.enterpriseStatus.rejected': { 'zh-CN': '未通过审核（rejected）', en: 'is rejected, not approved' },
  'gate.enterpriseStatus.missing': { 'zh-CN': '不存在或不属于您', en: 'is not one of yours' },
  'gate.appStatus.disabled': { 'zh-CN': '已停用（disabled）', en: 'is disabled, not normal' },
  'gate.appStatus.missing': { 'zh-CN': '不存在或不属于您', en: 'is not one of yours' },
  'gate.enterprise_not_fixed_line': {
    'zh-CN': '企业“{company}”未申请固话号码（未上传盖章的固话号码申请函和承诺函），而平台下发的号码均为固话号码。请添加一个申请固话号码（fixedLine=true 并上传两份函件）的企业资质，审核通过后用它订购',
    en: 'enterprise “{company}” did not apply for fixed-line numbers (no signed application and commitment letters), and every number the platform issues is a fixed-line number. Add an enterprise qualification with fixedLine=true and both signed letters, and order with it once approved',
  },
  'gate.enterprise_type_mismatch': {
    'zh-CN': '企业“{company}”的资质业务类型为{enterpriseType}，应用“{app}”的业务类型为{appType}，不能为该应用订购号码。请使用{appType}的企业资质订购，或为{appType}添加企业资质',
    en: 'enterprise “{company}” is qualified for {enterpriseType}, but app “{app}” is {appType}. Order with an enterprise qualified for {appType}, or add one for it',
  },
  'gate.service_not_applied': {
    'zh-CN': '您尚未申请开通{businessType}业务。请先提交开通申请（POST /service-activations），开通后再操作',
    en: 'you have not applied for {businessType}. Apply for it first (POST /service-activations) and try again once it is active',
  },
  'gate.service_pending': {
    'zh-CN': '{businessType}业务的开通申请正在审核中，预计于{until}前完成。开通后再操作',
    en: 'your application for {businessType} is under review and will be decided by {until}. Try again once it is active',
  },
  'gate.service_rejected': {
    'zh-CN': '{businessType}业务的开通申请未通过，原因：{reason}。请修改申请后重新提交（PUT /service-activations/{id}），开通后再操作',
    en: 'your application for {businessType} was rejected: {reason}. Correct it and submit it again (PUT /service-activations/{id}); try again once it is active',
  },
  'gate.service_cancelled': {
    'zh-CN': '您的{businessType}业务权限已被取消（{reason}）。如需继续使用，请重新申请开通',
    en: 'your {businessType} service was cancelled ({reason}). To use it again, apply again',
  },
  'gate.service_frozen': {
    'zh-CN': '您的{businessType}业务已被冻结（{reason}），冻结期间该类型的应用不能订购号码、不能修改。请联系您的客户经理',
    en: 'your {businessType} service is frozen ({reason}): while it is frozen, its apps order nothing and change nothing. Contact your account manager',
  },
  'gate.noReason': { 'zh-CN': '未说明原因', en: 'no reason given' },
  'gate.noType': { 'zh-CN': '未指定业务类型', en: 'no business type' },
  'refusal.enterprise_not_approved': { 'zh-CN': '企业“{company}”未审核通过，不能订购号码', en: 'Enterprise “{company}” is not approved; it cannot back an order' },
  'refusal.app_not_normal': { 'zh-CN': '应用“{app}”已不是正常状态，不能订购号码', en: 'App “{app}” is no longer in normal state; it cannot order numbers' },
  'refusal.enterprise_not_fixed_line': {
    'zh-CN': '企业“{company}”未申请固话号码，不能为其下发或批准号码',
    en: 'Enterprise “{company}” did not apply for fixed-line numbers; no numbers may be approved or issued for it',
  },
  'refusal.enterprise_type_mismatch': {
    'zh-CN': '企业“{company}”的资质业务类型（{enterpriseType}）与应用“{app}”（{appType}）不一致',
    en: 'Enterprise “{company}” is qualified for {enterpriseType}, not for app “{app}” ({appType})',
  },
  'refusal.service_frozen': { 'zh-CN': '租户的{businessType}业务已冻结，该类型的应用不能订购号码或修改', en: 'The tenant’s {businessType} service is frozen; its apps order and change nothing' },
  'refusal.service_cancelled': { 'zh-CN': '租户的{businessType}业务已取消', en: 'The tenant’s {businessType} service was cancelled' },
  'refusal.service_not_applied': { 'zh-CN': '租户未开通{businessType}业务', en: 'The tenant has not applied for {businessType}' },
  'refusal.service_pending': { 'zh-CN': '租户的{businessType}业务尚在审核中', en: 'The tenant’s {businessType} application is still pending' },
  'refusal.service_rejected': { 'zh-CN': '租户的{businessType}业务申请已被驳回', en: 'The tenant’s {businessType} application was rejected' },
} as const satisfies Messages;

/** Refusals of an app's creation or change (`apps.refusal.<code>`, statuses in domain/apps.ts). */
export const appRefusalMessages = {
  'apps.refusal.business_type_fixed': { 'zh-CN': '应用的业务类型不能修改', en: 'the business type of an app never changes' },
  'apps.refusal.recording_irreversible': { 'zh-CN': '录音一经开启不能关闭', en: 'recording, once on, cannot be turned off' },
  'apps.refusal.recording_required': { 'zh-CN': '开启语音质检需先开启录音', en: 'quality checks need recording to be on' },
  'apps.refusal.opt_out_alone': {
    'zh-CN': '关闭语音质检需要审核，请单独提交，不要同时修改其他字段',
    en: 'turning quality checks off is reviewed: send it on its own, without other changes',
  },
  'apps.refusal.prompt_requires_quality_check': {
    'zh-CN': '质检提示音在抽检录音前播放，需先开启录音和语音质检',
    en: 'the quality-check prompt plays before sampled recordings: turn recording and quality checks on first',
  },
  'apps.refusal.audio_not_approved': {
    'zh-CN': '质检提示音须为您审核通过的放音文件（可在 GET /audio-files/{id} 查看审核状态）',
    en: 'the quality-check prompt must be one of your approved audio files (see its review at GET /audio-files/{id})',
  },
  'apps.refusal.app_quota': { 'zh-CN': '应用数量已达上限', en: 'you have as many apps as your quota allows' },
  'apps.refusal.name_taken': { 'zh-CN': '已有同名应用（不区分大小写）', en: 'you already have an app with this name (ignoring case)' },
  'apps.refusal.opt_out_pending': { 'zh-CN': '已有关闭语音质检的申请在审核中', en: 'a request to turn quality checks off is already under review' },
} as const satisfies Messages;

/** Notices this area adds, as the outbox and the template editor name them. */
export const gateNoticeMessages = {
  'option.appStatus.frozen': { 'zh-CN': '已冻结', en: 'Frozen' },
  'templateVar.audioName': { 'zh-CN': '放音文件名称', en: 'audio file name' },
  'templateVar.apps': { 'zh-CN': '应用', en: 'apps' },
  'insight.detail.promptAudioId': { 'zh-CN': '质检提示音', en: 'Quality-check prompt' },
  'insight.detail.audioFileDeleted': { 'zh-CN': '已删除的放音文件', en: 'Audio file deleted' },
  'noticeEvent.audio.prompt_cleared': { 'zh-CN': '质检提示音已清除', en: 'Quality-check prompt cleared' },
} as const satisfies Messages;
