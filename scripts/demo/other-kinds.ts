import { randomBytes } from 'node:crypto';
import { findOrderOfReview, orderProgress } from '../../db/numbers.js';
import { findReview } from '../../db/reviews.js';
import type { Actor, ReviewStatus } from '../../domain/review.js';
import type { AppDeps } from '../../server/deps.js';
import { decideReview } from '../../server/use-cases/decide-review.js';
import { issueNumbers } from '../../server/use-cases/issue-numbers.js';
import { changeService } from '../../server/use-cases/services.js';
import { demoNumberList, demoPhoto, demoRecording } from './media.js';
import type { TenantClient } from './tenant-client.js';

interface Answer {
  id: string;
  subjectId: string;
  status: ReviewStatus;
}

const token = () => randomBytes(18).toString('base64url');
const jpg = (name: string, hue: number, size?: { width: number; height: number }) => ({ name, type: 'image/jpeg', content: demoPhoto(hue, size) });

/** The declarations' versions in force on a fresh installation: what the console has the tenant tick. */
const DECLARED = '1';

/** Decisions and stage changes land through the workflow: the next step waits until the row shows them. */
async function until(deps: AppDeps, reviewId: string, statuses: ReviewStatus[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await findReview(deps.db, reviewId);
    if (row && statuses.includes(row.status as ReviewStatus)) return;
    if (Date.now() > deadline) throw new Error(`demo data: review ${reviewId} is ${row?.status ?? 'missing'}, expected ${statuses.join(' or ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function approve(deps: AppDeps, actor: Actor, review: Answer, then: ReviewStatus[] = ['approved']): Promise<void> {
  await until(deps, review.id, ['pending']);
  await decideReview(deps, actor, review.id, { round: 1, outcome: 'approved', token: token() });
  await until(deps, review.id, then);
}

const activation = (businessType: string, scenario: string, script: string) => ({
  declaration: DECLARED,
  businessType,
  enterpriseName: '示例物流科技有限公司',
  carrier: { type: 'app', name: '快送 App' },
  nature: 'direct',
  industry: '物流',
  scenario,
  script,
  usedSimilarProduct: businessType === 'voice_notification',
  expectedDailyMinutes: 3000,
});

const enterprise = (companyName: string, licenseCode: string, handlerName: string, handlerIdNumber: string, fixedLine: boolean, businessType = 'voice_notification') => ({
  declaration: DECLARED,
  businessType,
  companyName,
  licenseCode,
  threeInOne: 'true',
  fixedLine: String(fixedLine),
  handlerName,
  handlerIdNumber,
  handlerMobile: '13800138000',
  handlerAddress: '北京市海淀区中关村大街 1 号',
  scenario: '快递到达与取件提醒',
  script: '您好，您的快递已到达驿站，请凭取件码领取。',
  expectedDailyCalls: '5000',
  peakConcurrency: '20',
});

/**
 * The kinds besides voice templates, submitted by the demo tenant over the API and decided by
 * the demo reviewer: an active service and one pending, an approved enterprise and one pending,
 * apps with a quality-check opt-out waiting, a recording waiting and one refused by its
 * automatic check, a number order being provisioned and one waiting, and a release batch that
 * partly succeeded.
 */
export async function loadOtherKinds(deps: AppDeps, api: TenantClient, actor: Actor, supervisor: Actor, tenantId: string): Promise<void> {
  const service = await api.json<Answer>('POST', '/service-activations', activation('voice_notification', '快递到达后通知收件人取件', '您好，您的快递已到达驿站，请凭取件码领取。'));
  await approve(deps, actor, service);
  await api.json('POST', '/service-activations', activation('voice_verification_code', '用户登录时播报验证码', '您的验证码是一二三四，五分钟内有效。'));
  const callback = await api.json<Answer>('POST', '/service-activations', activation('voice_callback', '司机与收件人之间的隐私回呼', '您好，正在为您接通快递员。'));
  await approve(deps, actor, callback);

  const company = await api.form<Answer>('/enterprises', enterprise('示例物流科技有限公司', '91110108MA01ABCD1E', '李明', '110105198803150029', true), {
    license: jpg('营业执照.jpg', 10),
    handlerIdFront: jpg('身份证正面.jpg', 60),
    handlerIdBack: jpg('身份证反面.jpg', 120),
    handlerWithId: jpg('手持身份证.jpg', 200),
    applicationLetter: jpg('固话号码申请函.jpg', 20),
    commitmentLetter: jpg('固话号码承诺函.jpg', 40),
  });
  await approve(deps, actor, company);
  await api.form('/enterprises', enterprise('示例物流（上海）有限公司', '91310115MA1K4BCD29', '陈静', '310115199005210044', false), {
    license: jpg('营业执照.jpg', 30),
    handlerIdFront: jpg('身份证正面.jpg', 90),
    handlerIdBack: jpg('身份证反面.jpg', 150),
    handlerWithId: jpg('手持身份证.jpg', 230),
  });
  // The approved enterprise's licence code under another name: a risk signal for the reviewer.
  await api.form('/enterprises', enterprise('示例物流科技股份有限公司', '91110108MA01ABCD1E', '刘洋', '110105199201010015', true, 'voice_callback'), {
    license: jpg('营业执照.jpg', 50),
    handlerIdFront: jpg('身份证正面.jpg', 70),
    handlerIdBack: jpg('身份证反面.jpg', 110),
    handlerWithId: jpg('手持身份证.jpg', 170),
    applicationLetter: jpg('固话号码申请函.jpg', 25),
    commitmentLetter: jpg('固话号码承诺函.jpg', 45),
  });
  // A photographed licence too small to read: rejected by the automatic check before anyone looks.
  await api.form('/enterprises', enterprise('示例快运有限公司', '91440300MA5FABCD1Q', '黄磊', '440304198506150023', false), {
    license: jpg('营业执照-缩略图.jpg', 80, { width: 160, height: 100 }),
    handlerIdFront: jpg('身份证正面.jpg', 100),
    handlerIdBack: jpg('身份证反面.jpg', 130),
    handlerWithId: jpg('手持身份证.jpg', 210),
  });

  const orders = await api.json<{ id: string }>('POST', '/apps', { name: '快递到达通知', businessType: 'voice_notification', recording: true, qualityCheck: true });
  const followUp = await api.json<{ id: string }>('POST', '/apps', { name: '售后回访', businessType: 'voice_notification', recording: true, qualityCheck: true });
  await api.json('PATCH', `/apps/${orders.id}`, { qualityCheck: false });
  // An app of a type staff then froze: it shows frozen, orders nothing and changes nothing until resumed.
  await api.json('POST', '/apps', { name: '司机隐私回呼', businessType: 'voice_callback', recording: true, qualityCheck: false });
  await changeService(deps, supervisor, tenantId, 'voice_callback', 'freeze', { reason: '回呼投诉较多，暂停核查' }, { lang: 'zh-CN' });

  const prompt = await api.form<Answer>('/audio-files', { name: '取件提示音', description: '快递到达时播放的提示音' }, { file: { name: '取件提示音.wav', type: 'audio/wav', content: demoRecording({ sampleRate: 8000, channels: 1, seconds: 3 }) } });
  await api.form('/audio-files', { name: '门店背景音乐', description: '录音室导出的原始文件' }, { file: { name: '背景音乐.wav', type: 'audio/wav', content: demoRecording({ sampleRate: 44100, channels: 2, seconds: 2 }) } });
  // Approved, the first recording becomes the follow-up app's quality-check prompt.
  await approve(deps, actor, prompt);
  await api.json('PATCH', `/apps/${followUp.id}`, { qualityCheckPromptAudioId: prompt.subjectId });

  // The business contact picked from the tenant's contacts: it hears the order's notices.
  const [manager] = await api.json<{ items: { id: string }[] }>('GET', '/contacts').then((c) => c.items);
  const contact = { name: '王经理', mobile: '13800138000' };
  const order = await api.json<Answer>('POST', '/number-orders', { enterpriseId: company.subjectId, appId: orders.id, contactId: manager!.id, cities: [{ city: '北京', count: 3 }, { city: '上海', count: 2 }] });
  await approve(deps, actor, order, ['provisioning']);
  const found = await findOrderOfReview(deps.db, order.id);
  if (!found) throw new Error('demo data: the approved order has no order row');
  const beijing = (await orderProgress(deps.db, found.id)).findIndex((c) => c.city === '北京');
  const issued = ['010-62345671', '010-62345672', '010-62345673'];
  await issueNumbers(deps, actor, order.id, { round: 1, token: token(), [`numbers_${beijing}`]: issued.join('\n') });
  await api.json('POST', '/number-orders', { enterpriseId: company.subjectId, appId: orders.id, contact, cities: [{ city: '广州', count: 5 }] });

  // One of ours and one nobody issued: the batch releases the first and explains the second.
  await api.form('/number-unsubscriptions', { note: '门店关闭，退订多余号码' }, { file: { name: '退订号码.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content: await demoNumberList([issued[2]!, '010-69999999']) } });
}
