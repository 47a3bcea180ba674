import { randomBytes } from 'node:crypto';
import { tenantServices } from '../../db/schema.js';
import { NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import { wavFile } from './audio.js';
import { form } from './files.js';
import { enterpriseForm, validActivation } from './kinds.js';
import { approvedEnterprise, issuedNumbers, orderBody, tenantApp, xlsxFile } from './numbers.js';
import type { TestApp, TestTenant } from './test-app.js';

/** One object of every kind a tenant owns, made through the tenant API (what an id in a path names). */
export interface TenantObjects {
  VT: string;
  SA: string;
  EQ: string;
  AF: string;
  NO: string;
  NU: string;
  app: string;
  contact: string;
  /** The voice template's review. */
  review: string;
  /** The review of each object above, by its subject id. */
  reviewOf: Record<string, string>;
  /** The secret of `app`, shown once at creation. */
  appSecret: string;
  /** An approved enterprise and an app in normal state, for number orders. */
  approvedEnterprise: string;
  normalApp: string;
  /** Numbers issued to the tenant (two of them are in the `NU` batch). */
  numbers: string[];
}

async function created(app: TestApp, t: TestTenant, path: string, body: unknown): Promise<any> {
  const res = await app.api(t, 'POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Makes every object for the tenant. Voice callback and verification codes are granted
 * directly (an app needs an active business type); voice notification is applied for, so the
 * tenant has a pending service activation too.
 */
export async function tenantObjects(app: TestApp, t: TestTenant, opts: { contactName?: string } = {}): Promise<TenantObjects> {
  const tag = randomBytes(3).toString('hex');
  for (const businessType of ['voice_callback', 'voice_verification_code'] as const) {
    await app.database.db.insert(tenantServices).values({ tenantId: t.tenant.id, businessType, state: 'active', activationId: `SA${'0'.repeat(16)}` }).onConflictDoNothing();
  }
  const vt = await created(app, t, '/voice-templates', { name: `模板${tag}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前到${TXT_8}取件', scenario: '快递通知' });
  const sa = await created(app, t, '/service-activations', validActivation());
  const eq = await created(app, t, '/enterprises', enterpriseForm());
  const af = await created(app, t, '/audio-files', form({ name: `提示音${tag}`, description: '快递到达提示' }, { file: { name: 'notice.wav', content: wavFile() } }));
  const appBody = await created(app, t, '/apps', { name: `app_${tag}`, businessType: 'voice_callback', recording: true, qualityCheck: true });
  // Voice callback is granted above (voice notification is only applied for): the order's type.
  const enterprise = await approvedEnterprise(app, t.tenant.id, 'approved', { businessType: 'voice_callback' });
  const normalApp = await tenantApp(app, t.tenant.id, 'normal', 'voice_callback');
  const no = await created(app, t, '/number-orders', orderBody(enterprise, normalApp));
  const numbers = await issuedNumbers(app, t.tenant.id, 4);
  const nu = await created(app, t, '/number-unsubscriptions', form({ note: `退订${tag}` }, { file: { name: 'numbers.xlsx', content: await xlsxFile([['number'], [numbers[0]!], [numbers[1]!]]) } }));
  const contact = await created(app, t, '/contacts', { name: opts.contactName ?? `联系人${tag}`, mobile: '13800138000', email: `c-${tag}@example.com`, language: 'zh-CN', subscriptions: [...NOTICE_SUBSCRIPTIONS] });
  return {
    VT: vt.templateId,
    SA: sa.subjectId,
    EQ: eq.subjectId,
    AF: af.subjectId,
    NO: no.subjectId,
    NU: nu.subjectId,
    app: appBody.id,
    contact: contact.id,
    review: vt.id,
    reviewOf: { [vt.templateId]: vt.id, [sa.subjectId]: sa.id, [eq.subjectId]: eq.id, [af.subjectId]: af.id, [no.subjectId]: no.id, [nu.subjectId]: nu.id },
    appSecret: appBody.appSecret,
    approvedEnterprise: enterprise,
    normalApp,
    numbers,
  };
}
