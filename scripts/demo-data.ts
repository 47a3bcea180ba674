import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as argon2 from '@node-rs/argon2';
import { appendAudit } from '../db/audit.js';
import { contacts } from '../db/schema.js';
import { createStaff, findStaffByEmail } from '../db/staff.js';
import { ensureTenantWithKey, findTenantByName } from '../db/tenants.js';
import type { Role } from '../domain/review.js';
import type { AppDeps } from '../server/deps.js';
import { submitJson } from '../server/use-cases/intake/submit.js';
import { decideReview } from '../server/use-cases/decide-review.js';
import { withdrawReview } from '../server/use-cases/intake/withdraw.js';
import { remindReview } from '../server/use-cases/remind-review.js';
import { workingMinutesBetween } from '../domain/working-time.js';
import { loadOtherKinds } from './demo/other-kinds.js';
import { tenantClient } from './demo/tenant-client.js';

export const DEMO_TENANT = '示例物流科技有限公司';

export interface DemoLogins {
  apiKey: string;
  staff: { email: string; password: string; role: Role }[];
}

const demoStaff: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.local', name: '管理员 Ada', role: 'admin' },
  { email: 'supervisor@demo.local', name: '主管 Sun', role: 'supervisor' },
  { email: 'reviewer@demo.local', name: '审核员 Li', role: 'reviewer' },
  { email: 'reviewer2@demo.local', name: '审核员 Wang', role: 'reviewer' },
  { email: 'auditor@demo.local', name: '审计 Zhao', role: 'auditor' },
];

/**
 * First start only: a demo tenant with contacts and an API key, staff of every role, voice
 * templates in every state, and every other kind of review in the states a queue shows. Logins are random and kept in DATA_DIR (mode 0600) so
 * later starts can print them again.
 */
export async function loadDemoData(deps: AppDeps, dataDir: string, baseUrl: string): Promise<DemoLogins> {
  const file = path.join(dataDir, 'demo-logins.json');
  const existing = await findTenantByName(deps.db, DEMO_TENANT);
  if (existing) {
    const saved = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (saved) return JSON.parse(saved) as DemoLogins;
  }
  const logins: DemoLogins = { apiKey: `vrd_demo_${randomBytes(18).toString('base64url')}`, staff: [] };
  const tenant = await ensureTenantWithKey(deps.db, DEMO_TENANT, logins.apiKey, '演示数据');
  const members = [];
  for (const s of demoStaff) {
    const password = `demo-${randomBytes(6).toString('base64url')}`;
    const found = await findStaffByEmail(deps.db, s.email);
    const member = found ?? (await createStaff(deps.db, { ...s, passwordHash: await argon2.hash(password) }));
    if (!found) {
      logins.staff.push({ email: s.email, password, role: s.role });
      await appendAudit(deps.db, { actorType: 'system', actorId: null, actorLabel: 'demo-data', action: 'staff.create', objectType: 'staff', objectId: member.id, details: { role: s.role } });
    }
    members.push(member);
  }
  await deps.db.insert(contacts).values([
    { tenantId: tenant.id, name: '张伟', mobile: '+8613800138000', email: 'zhang.wei@example.com', language: 'zh-CN', subscriptions: ['voice_template', 'service_activation', 'enterprise_qualification', 'number_order', 'quality_check_opt_out', 'reminder_reply'] },
    { tenantId: tenant.id, name: 'Emily Chen', mobile: '+8613900139000', email: 'emily.chen@example.com', language: 'en', subscriptions: ['voice_template', 'audio_file'] },
  ]);

  const reviewer = members.find((m) => m.role === 'reviewer');
  if (!reviewer) throw new Error('demo reviewer missing');
  const actor = { id: reviewer.id, name: reviewer.name, role: reviewer.role };
  const template = (name: string, content: string, scenario: string) => ({ name, speed: 'normal', speaker: 'xiaoyan_female', content, scenario });
  const token = () => randomBytes(18).toString('base64url');

  for (const [name, content] of [
    ['快递到达通知', '您好，您的快递已到达${TXT_8}，请于${DATE} ${TIME}前领取。'],
    ['预约提醒', '您预约的${TXT_12}将于${DATE}${TIME}开始，请准时到达。'],
    ['账单提醒', '您本月账单金额为${NUM_6}元，请于${DATE}前缴费。'],
  ] as const) {
    await submitJson(deps, tenant, 'voice_template', template(name, content, '物流与服务通知'));
  }
  const approved = await submitJson(deps, tenant, 'voice_template', template('取件验证', '您的取件码是${NUM_6}，请勿告诉他人。', '快递取件'));
  await decideReview(deps, actor, approved.id, { round: 1, outcome: 'approved', token: token() });
  const rejected = await submitJson(deps, tenant, 'voice_template', template('促销活动', '限时特惠！${TXT_20}全场五折，详询${TXT_11}。', '营销推广'));
  await decideReview(deps, actor, rejected.id, { round: 1, outcome: 'rejected', reasonCode: 'prohibited_content', reasonText: '语音通知不可用于营销推广', token: token() });
  const withdrawn = await submitJson(deps, tenant, 'voice_template', template('旧版通知', '您的包裹${TXT_8}已发出。', '物流通知'));
  await withdrawReview(deps, tenant, 'voice_template', withdrawn.subjectId);
  // Submitted long ago: its deadline has passed, so the workflow marks it breached at once.
  const lateDeps = { ...deps, now: () => new Date(Date.now() - 14 * 86400_000) };
  await submitJson(lateDeps, tenant, 'voice_template', template('超时示例', '您的订单${TXT_10}已发货，预计${DATE}送达。', '电商订单通知'));
  // Pending for days, then the tenant pressed "remind": it tops the queue and waits for an answer.
  // The most recent past instant with at least 90 working minutes since, so a reminder is allowed.
  const { calendar } = await deps.calendar();
  const hoursBack = [2, 4, 8, 16, 24, 48, 72, 120, 168, 240, 336].find((h) => workingMinutesBetween(new Date(Date.now() - h * 3600_000), new Date(), calendar) >= 90) ?? 336;
  const reminded = await submitJson({ ...deps, now: () => new Date(Date.now() - hoursBack * 3600_000) }, tenant, 'voice_template', template('催审示例', '您的维修工单${TXT_12}已受理，师傅将于${DATE}上门。', '售后服务通知'));
  await remindReview(deps, tenant, reminded.id, undefined, 'zh-CN');

  const lead = members.find((m) => m.role === 'supervisor');
  if (!lead) throw new Error('demo supervisor missing');
  await loadOtherKinds(deps, tenantClient(baseUrl, logins.apiKey), actor, { id: lead.id, name: lead.name, role: lead.role }, tenant.id);

  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(file, JSON.stringify(logins, null, 2), { mode: 0o600 });
  return logins;
}
