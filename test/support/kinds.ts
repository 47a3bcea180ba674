import type { ReviewKind } from '../../domain/review.js';
import { wavFile } from './audio.js';
import { form, jpgFile } from './files.js';
import { residentIdNumber, unifiedSocialCreditCode } from './identity.js';
import { approvedEnterprise, orderBody, tenantApp } from './numbers.js';
import type { TestApp, TestTenant } from './test-app.js';

export const HANDLER_ID = residentIdNumber();

/** The declarations' first versions: what a submission accepts until an admin publishes another. */
export const DECLARED = '1';

export const validActivation = (over: Record<string, unknown> = {}) => ({
  declaration: DECLARED,
  businessType: 'voice_notification',
  enterpriseName: '示例物流科技有限公司',
  carrier: { type: 'app', name: '快送 App' },
  nature: 'direct',
  industry: '物流',
  scenario: '快递到达后通知收件人取件',
  script: '您好，您的快递已到达驿站，请凭取件码领取。',
  usedSimilarProduct: false,
  expectedDailyMinutes: 3000,
  ...over,
});

export const enterpriseFields = (over: Record<string, string> = {}) => ({
  declaration: DECLARED,
  businessType: 'voice_notification',
  companyName: '示例物流科技有限公司',
  licenseCode: unifiedSocialCreditCode(),
  threeInOne: 'true',
  fixedLine: 'false',
  handlerName: '李明',
  handlerIdNumber: HANDLER_ID,
  handlerMobile: '13800138000',
  handlerAddress: '北京市海淀区中关村大街 1 号',
  scenario: '快递到达通知',
  script: '您好，您的快递已到达，请及时领取。',
  expectedDailyCalls: '5000',
  peakConcurrency: '20',
  ...over,
});

/** Legible images: the pre-check wants at least 600 × 400 pixels of the licence and the ID images. */
const legible = (hue: number) => jpgFile({ width: 640, height: 420, hue });
const images = new Map<number, Buffer>();
const image = (hue: number) => {
  let b = images.get(hue);
  if (!b) images.set(hue, (b = legible(hue)));
  return b;
};

export const enterpriseFiles = () => ({
  license: { name: 'license.jpg', content: image(10) },
  handlerIdFront: { name: 'id-front.jpg', content: image(60) },
  handlerIdBack: { name: 'id-back.jpg', content: image(120) },
  handlerWithId: { name: 'holding.jpg', content: image(200) },
});

export const enterpriseForm = (over: Record<string, string> = {}, files: Record<string, { name: string; content: Buffer }> = enterpriseFiles()) => form(enterpriseFields(over), files);

/**
 * One valid submission per kind that a tenant submits on its own route, with what must exist
 * first (an active business type, an approved enterprise). Kinds opened another way are absent.
 */
export const SUBMISSIONS: Partial<Record<ReviewKind, { path: string; body: (app: TestApp, t: TestTenant) => Promise<unknown> }>> = {
  voice_template: {
    path: '/voice-templates',
    body: async () => ({ name: '取件通知', speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前到${TXT_8}取件', scenario: '快递通知' }),
  },
  service_activation: { path: '/service-activations', body: async () => validActivation() },
  enterprise_qualification: { path: '/enterprises', body: async () => enterpriseForm() },
  audio_file: { path: '/audio-files', body: async () => form({ name: '取件提示音', description: '快递到达提示' }, { file: { name: 'notice.wav', content: wavFile() } }) },
  number_order: { path: '/number-orders', body: async (app, t) => orderBody(await approvedEnterprise(app, t.tenant.id), await tenantApp(app, t.tenant.id)) },
};
