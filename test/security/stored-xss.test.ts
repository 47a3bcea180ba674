import { eq } from 'drizzle-orm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox, reviews, tenantServices } from '../../db/schema.js';
import { NOTICE_SUBSCRIPTIONS } from '../../domain/contacts.js';
import { textToHtml } from '../../domain/notice-templates.js';
import { wavFile } from '../support/audio.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { form, jpgFile } from '../support/files.js';
import { enterpriseFields, enterpriseFiles, validActivation } from '../support/kinds.js';
import { approvedEnterprise, issuedNumbers, tenantApp, xlsxFile } from '../support/numbers.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { until } from '../support/until.js';

/**
 * Markup a tenant (or a visitor at the sign-in) types, kept and shown back to staff: every
 * tenant-controlled field of every kind gets one of the payloads below, tagged with its field,
 * and every page that shows them is opened in Chromium with the CSP switched off, so it is the
 * escaping alone that is tested (the CSP is the second fence). No dialog may fire, no element
 * may come from a payload, and each payload must read as the text it was. The notices sent for
 * these submissions are checked the same way, as stored and as delivered.
 */

const PAYLOADS = [
  (tag: string) => `<script>alert('${tag}')</script>`,
  (tag: string) => `"><img src=x onerror=alert('${tag}')>`,
  (tag: string) => `javascript:alert('${tag}')`,
  (tag: string) => `{{7*7}}${tag}`,
  (tag: string) => `</textarea><svg onload=alert('${tag}')>`,
  (tag: string) => `'-alert('${tag}')-'<b>`,
];

/** A payload for a field, tagged with it, no longer than the field allows. */
const planted = new Map<string, string>();
let turn = 0;
function payload(tag: string, max = 256): string {
  for (let i = 0; i < PAYLOADS.length; i++) {
    const text = PAYLOADS[(turn + i) % PAYLOADS.length]!(tag);
    if (text.length <= max) {
      turn += 1;
      planted.set(tag, text);
      return text;
    }
  }
  throw new Error(`no payload fits ${tag} in ${max}`);
}

let app: TestApp;
let tenant: TestTenant;
let browser: Browser;
let context: BrowserContext;
const reviewIds: Record<string, string> = {};
let batchId = '';
let tenantId = '';

async function submit(path: string, body: unknown): Promise<any> {
  const res = await app.api(tenant, 'POST', path, body);
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  // Chromium starts while the data is planted.
  const launching = chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  // Closed in afterAll even when the set-up below fails first.
  launching.then((b) => (browser = b), () => undefined);
  app = await startTestApp({ notifications: true });
  tenant = await app.addTenant(payload('tenant.name', 64));
  tenantId = tenant.tenant.id;
  for (const businessType of ['voice_callback', 'voice_verification_code'] as const) {
    await app.database.db.insert(tenantServices).values({ tenantId, businessType, state: 'active', activationId: `SA${'0'.repeat(16)}` });
  }
  await submit('/contacts', { name: payload('contact.name', 64), mobile: '13800138000', email: 'xss@example.com', language: 'en', subscriptions: [...NOTICE_SUBSCRIPTIONS] });

  const vt = await submit('/voice-templates', { name: 'XSS模板', speed: 'normal', speaker: 'xiaoyan_female', content: `${payload('template.content', 480)} 请于\${DATE}取件`, scenario: payload('template.scenario') });
  reviewIds.voice_template = vt.id;
  const sa = await submit('/service-activations', validActivation({ enterpriseName: payload('activation.enterpriseName', 128), carrier: { type: 'website', name: payload('activation.carrierName', 128) }, industry: payload('activation.industry', 64), scenario: payload('activation.scenario'), script: payload('activation.script') }));
  reviewIds.service_activation = sa.id;
  const files = enterpriseFiles();
  const eq_ = await submit(
    '/enterprises',
    form(
      enterpriseFields({ companyName: payload('enterprise.companyName', 128), handlerName: payload('enterprise.handlerName', 64), handlerAddress: payload('enterprise.handlerAddress'), scenario: payload('enterprise.scenario'), script: payload('enterprise.script') }),
      { ...files, license: { name: `${payload('enterprise.fileName', 200)}.jpg`, content: jpgFile({ width: 640, height: 420 }) } },
    ),
  );
  reviewIds.enterprise_qualification = eq_.id;
  const af = await submit('/audio-files', form({ name: 'XSS提示音', description: payload('audio.description') }, { file: { name: `${payload('audio.fileName', 200)}.wav`, content: wavFile() } }));
  reviewIds.audio_file = af.id;
  const order = await submit('/number-orders', { enterpriseId: await approvedEnterprise(app, tenantId, 'approved', { businessType: 'voice_callback' }), appId: await tenantApp(app, tenantId, 'normal', 'voice_callback'), contact: { name: payload('order.contactName', 64), mobile: '13800138000' }, cities: [{ city: payload('order.city', 32), count: 1 }] });
  reviewIds.number_order = order.id;
  const [owned] = await issuedNumbers(app, tenantId, 1);
  const batch = await submit('/number-unsubscriptions', form({ note: payload('batch.note', 100) }, { file: { name: 'numbers.xlsx', content: await xlsxFile([['number'], [owned!], [payload('batch.cell', 200)]]) } }));
  reviewIds.number_unsubscribe = batch.id;
  batchId = batch.subjectId;
  // A file's name is kept as its last path segment (it is never a path): that part of the payload is what is kept.
  for (const field of ['enterprise.fileName', 'audio.fileName']) planted.set(field, planted.get(field)!.split(/[/\\]/).pop()!);
  // Names that may not hold markup are refused at the edge.
  for (const [path, body] of [
    ['/voice-templates', { name: '<script>alert(1)</script>', speed: 'normal', speaker: 'xiaoyan_female', content: '请取件', scenario: '快递' }],
    ['/apps', { name: '"><img src=x>', businessType: 'voice_callback' }],
  ] as const) {
    expect((await app.api(tenant, 'POST', path, body)).status, path).toBe(422);
  }
  // A visitor's sign-in attempt: the e-mail typed is kept in the audit log.
  const visitor = new BackOfficeSession(app.url);
  await visitor.get('/login');
  await visitor.post('/login', { email: payload('login.email', 200), password: 'wrong-password' });

  // Staff decide, so notices go to the contact whose name is a payload.
  const member = await app.addStaff('admin');
  const admin = new BackOfficeSession(app.url);
  await admin.login(member.email, member.password);
  for (const kind of ['service_activation', 'enterprise_qualification', 'number_order', 'voice_template'] as const) {
    const res = await decideInBackOffice(admin, reviewIds[kind]!, kind === 'service_activation' ? { outcome: 'rejected', reasonCode: 'other', reasonText: '请补充材料' } : { outcome: 'approved' });
    expect(res.status, kind).toBeLessThan(400);
  }
  await until(async () => (await app.database.db.select().from(reviews).where(eq(reviews.id, reviewIds.number_unsubscribe!)))[0]?.status !== 'checking');
  await until(async () => (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.channel, 'email'))).filter((n) => n.state === 'sent' || n.state === 'delivered').length >= 4);

  browser = await launching;
  context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill('input[name=email]', member.email);
  await page.fill('input[name=password]', member.password);
  await page.click('button[type=submit].primary');
  await page.waitForURL(/\/queue/);
  await page.close();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** What a page did with the payloads: dialogs that fired, elements made from them, and the text a reader sees. */
async function inspect(page: Page, url: string): Promise<{ dialogs: string[]; injected: string[]; text: string }> {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const res = await page.goto(url, { waitUntil: 'load' });
  expect(res?.status(), url).toBe(200);
  // htmx and any late handler get their chance to run.
  await page.waitForTimeout(150);
  const found = await page.evaluate(() => {
    const injected = [...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], a[href^="javascript:"], iframe, object, embed')].map((e) => e.outerHTML.slice(0, 120));
    for (const s of document.querySelectorAll('script')) if (!s.src || /alert\(/.test(s.textContent ?? '')) injected.push(s.outerHTML.slice(0, 120));
    // Text in collapsed sections counts too (textContent, not innerText), and so do form values and alt texts.
    const values = [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value);
    const alts = [...document.querySelectorAll('[alt], [title]')].map((e) => `${e.getAttribute('alt') ?? ''} ${e.getAttribute('title') ?? ''}`);
    return { injected, text: [document.body.textContent ?? '', ...values, ...alts].join('\n') };
  });
  return { dialogs, ...found };
}

/** The pages that show tenant-controlled text, with the fields each must show as text. */
function pages(notices: string[]): [string, string[]][] {
  const r = (k: string) => `/reviews/${reviewIds[k]}`;
  return [
    ['/queue?status=all', ['activation.enterpriseName', 'enterprise.companyName', 'batch.note', 'template.content', 'activation.scenario', 'tenant.name']],
    [r('voice_template'), ['template.content', 'template.scenario', 'tenant.name', 'contact.name']],
    [r('service_activation'), ['activation.enterpriseName', 'activation.carrierName', 'activation.industry', 'activation.scenario', 'activation.script']],
    [r('enterprise_qualification'), ['enterprise.companyName', 'enterprise.handlerName', 'enterprise.handlerAddress', 'enterprise.scenario', 'enterprise.script', 'enterprise.fileName']],
    [r('audio_file'), ['audio.description', 'audio.fileName']],
    [r('number_order'), ['order.contactName', 'order.city']],
    [r('number_unsubscribe'), ['batch.note']],
    [`/number-batches/${batchId}`, ['batch.cell']],
    ['/tenants', ['tenant.name']],
    [`/tenants/${tenantId}`, ['tenant.name', 'contact.name', 'enterprise.companyName']],
    ['/outbox', ['tenant.name']],
    ...notices.map((id): [string, string[]] => [`/outbox/${id}`, ['contact.name']]),
    ['/dev/mailbox', ['contact.name', 'activation.enterpriseName']],
    ['/dashboard', []],
    ['/statistics', []],
    ['/audit?action=staff.login_failed', ['login.email']],
    [`/admin/templates/review.rejected/email/en?review=${reviewIds.service_activation}`, ['activation.enterpriseName', 'contact.name']],
  ];
}

describe('stored markup', () => {
  it('when every page that shows tenant-controlled text is opened in Chromium with the CSP off, then no dialog fires, no element comes from a payload, and each payload reads as the text it was', async () => {
    const notices = (await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.channel, 'email'))).slice(0, 4).map((n) => n.id);
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const [url, fields] of pages(notices)) {
      const page = await context.newPage();
      const { dialogs, injected, text } = await inspect(page, app.url + url);
      await page.close();
      if (dialogs.length > 0) problems.push(`${url}: dialogs ${JSON.stringify(dialogs)}`);
      if (injected.length > 0) problems.push(`${url}: elements from payloads ${JSON.stringify(injected)}`);
      for (const field of fields) {
        if (!text.includes(planted.get(field)!)) problems.push(`${url}: ${field} is not shown as the text ${JSON.stringify(planted.get(field))}`);
      }
      for (const [field, value] of planted) if (text.includes(value)) seen.add(field);
    }
    expect(problems).toEqual([]);
    // Every planted payload was shown somewhere (as text), so none was tested by its absence.
    expect([...planted.keys()].filter((f) => !seen.has(f))).toEqual([]);
  });

  it('when notices are written for these submissions, then each HTML part escapes the payloads and renders in Chromium as their text, as stored and as delivered', async () => {
    const rows = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.channel, 'email'));
    const delivered = app.channels!.dev.mailbox!.messages().filter((m) => m.to.includes('xss@example.com'));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(delivered.length).toBeGreaterThanOrEqual(4);
    const htmlParts = [...rows.map((r) => ({ label: `outbox ${r.event}`, text: r.body, html: textToHtml(r.body) })), ...delivered.map((m) => ({ label: `delivered ${m.subject}`, text: m.text, html: m.html ?? '' }))];
    const problems: string[] = [];
    let withPayload = 0;
    for (const part of htmlParts) {
      const inText = [...planted].filter(([, v]) => part.text.includes(v));
      if (inText.length === 0) continue;
      withPayload += 1;
      if (/<(script|img|svg|iframe)\b|<[a-z][^>]*\son(error|load)=/i.test(part.html)) problems.push(`${part.label}: markup in the HTML part`);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.setContent(part.html, { waitUntil: 'load' });
      await page.waitForTimeout(50);
      const shown = await page.evaluate(() => ({ text: document.body.innerText, injected: document.querySelectorAll('script, img, svg, [onerror], [onload]').length }));
      await page.close();
      if (dialogs.length > 0 || shown.injected > 0) problems.push(`${part.label}: ran or made elements ${JSON.stringify(dialogs)}`);
      for (const [field, value] of inText) if (!shown.text.includes(value)) problems.push(`${part.label}: ${field} does not read as its text`);
    }
    expect(problems).toEqual([]);
    expect(withPayload, 'notices that carried a payload').toBeGreaterThanOrEqual(4);
  });
});
