import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox, reviews } from '../../db/schema.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { servedRoutes, type ServedRoute } from '../support/routes.js';
import { SecretWatch } from '../support/secrets.js';
import { tenantObjects, type TenantObjects } from '../support/tenant-objects.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { formsIn, matcherOf, sentFields, type FoundForm } from './support/forms.js';
import { percentEncode, send, type RawAnswer } from './support/http.js';
import { pageAnswerProblems } from './support/oracle.js';
import { fuzzSeed, Prng } from './support/prng.js';
import { checkpoint, pool, Tally } from './support/run.js';
import { oddString, randomCodePoints } from './support/values.js';
import { until } from '../support/until.js';

/**
 * Every back-office form under generated input: the forms are read from the pages a signed-in
 * admin sees (so the fuzz starts from what a person would send, hidden tokens included), then
 * each POST route is sent its form with fields bent, repeated, dropped or added, with a valid
 * session and CSRF token; query strings and path ids of the pages are bent too. Replay with
 * FUZZ_SEED=<the printed seed>.
 */

const SEED = fuzzSeed();
const POSTS = 960;
const GETS = 200;
const LOGINS = 30;
const BATCH = 300;
const CONCURRENCY = 6;
const RSS_GROWTH_LIMIT_MB = 200;

let app: TestApp;
let tenant: TestTenant;
let objects: TenantObjects;
let admin: BackOfficeSession;
let adminId: string;
let routes: ServedRoute[];
let forms: FoundForm[];
let filesDir: string;
const secrets = new SecretWatch();
const leaks: string[] = [];
const appErrors: string[] = [];

const backOffice = (r: ServedRoute) => !r.path.startsWith('/api/') && !r.path.startsWith('/callbacks/');

function drainLogs(): void {
  leaks.push(...secrets.leaks(app.logLines));
  for (const line of app.logLines) if (/"level":(50|60)/.test(line)) appErrors.push(line.slice(0, 3000));
  app.logLines.length = 0;
}

/** Passwords and keys the pages hand out (an invitation, a reset, a new API key) are secrets too. */
function rememberSecrets(html: string): void {
  for (const m of html.matchAll(/<code id="(?:initial-password|new-api-key)"[^>]*>([^<]+)<\/code>/g)) secrets.add('a password or key shown on a page', m[1]);
  for (const m of html.matchAll(/vrd_[A-Za-z0-9_-]{24,}/g)) secrets.add('an API key shown on a page', m[0]);
}

/** A key or password a post issued is shown on the page its 303 leads to, once: open it with the flash to learn it. */
async function rememberFlashSecrets(res: RawAnswer): Promise<void> {
  const flash = /(?:^|,\s*)vrd_flash=([^;]+)/.exec([res.headers['set-cookie'] ?? []].flat().join(', '))?.[1];
  const location = res.headers.location;
  if (res.status !== 303 || !flash || !location?.startsWith('/')) return;
  rememberSecrets((await send(app.url, { method: 'GET', path: location, headers: { cookie: `${admin.cookieHeader()}; vrd_flash=${flash}` } })).text);
}

/** Pages reached from the start pages by their links, a few of each route: where the forms are. */
async function crawl(session: BackOfficeSession, start: string[], getRoutes: ServedRoute[]): Promise<{ pages: string[]; forms: FoundForm[] }> {
  const perRoute = new Tally();
  const seen = new Set<string>();
  const queue = [...start];
  const found: FoundForm[] = [];
  const routeOf = (p: string) => getRoutes.find((r) => matcherOf(r.path).test(p.split('?')[0]!));
  while (queue.length > 0 && seen.size < 160) {
    const page = queue.shift()!;
    const route = routeOf(page);
    if (seen.has(page) || !route || (perRoute.get(route.path) >= 4 && !start.includes(page))) continue;
    seen.add(page);
    perRoute.add(route.path);
    const res = await session.get(page);
    if (res.status !== 200 || !/text\/html/.test(res.headers.get('content-type') ?? '')) continue;
    rememberSecrets(res.html);
    found.push(...formsIn(res.html, page));
    for (const m of res.html.matchAll(/href="(\/[^"#]*)"/g)) {
      const href = m[1]!.replace(/&amp;/g, '&');
      if (!/^\/(?:logout|language|files|static|dev)\b/.test(href) && !seen.has(href)) queue.push(href);
    }
  }
  return { pages: [...seen], forms: found };
}

beforeAll(async () => {
  console.log(`back-office fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED}`);
  filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-fuzz-files-'));
  app = await startTestApp({ captureLogs: true, notifications: true, filesDir });
  tenant = await app.addTenant();
  const other = await app.addTenant();
  objects = await tenantObjects(app, tenant);
  await tenantObjects(app, other);
  secrets.add('the API key of tenant A', tenant.apiKey);
  secrets.add('the API key of tenant B', other.apiKey);
  secrets.add('an app secret', objects.appSecret);
  const me = await app.addStaff('admin');
  adminId = me.id;
  secrets.add('the admin password', me.password);
  for (const role of ['reviewer', 'supervisor', 'auditor', 'admin'] as const) secrets.add(`a ${role} password`, (await app.addStaff(role)).password);
  admin = new BackOfficeSession(app.url);
  await admin.login(me.email, me.password);
  secrets.add('the admin session cookie', admin.cookie('vrd_sid'));

  // States that bring out the forms a page shows only sometimes: a decided review with notices
  // (one of them failed, to be sent again), an order waiting for its numbers, a review reminded.
  expect((await decideInBackOffice(admin, objects.reviewOf[objects.NO]!, { outcome: 'approved' })).status).toBeLessThan(400);
  expect((await decideInBackOffice(admin, objects.reviewOf[objects.SA]!, { outcome: 'rejected', reasonCode: 'other', reasonText: '请补充材料' })).status).toBeLessThan(400);
  await until(async () => (await app.database.db.select().from(reviews).where(eq(reviews.id, objects.reviewOf[objects.NO]!)))[0]?.status === 'provisioning');
  await until(async () => (await app.database.db.select().from(notificationOutbox)).length > 0);
  const [notice] = await app.database.db.select().from(notificationOutbox).limit(1);
  await app.database.db.update(notificationOutbox).set({ state: 'failed', lastError: 'fuzz fixture' }).where(eq(notificationOutbox.id, notice!.id));
  await app.database.db.update(reviews).set({ reminderStatus: 'reminded', reminderCount: 1, reminderLastAt: new Date(), reminderAnswerDueAt: new Date(Date.now() + 3600_000) }).where(eq(reviews.id, objects.review));

  // A rule set and a notice template changed once (so older versions can be restored and the
  // template reset), and a review claimed (so it can be released).
  expect((await submitPageForm(admin, '/admin/rules/voice_template', '/admin/rules/voice_template', { atRiskPercent: '80', comment: 'fuzz fixture' })).status).toBe(303);
  expect((await submitPageForm(admin, '/admin/templates/review.approved/email/en', '/admin/templates/review.approved/email/en', { body: 'Hello {{contactName}}, {{title}} was approved.' })).status).toBe(303);
  expect((await submitPageForm(admin, `/reviews/${objects.review}`, `/reviews/${objects.review}/claim`, {})).status).toBe(303);
  // A named view, so the page that asks before deleting one (and its form) is reachable.
  expect((await submitPageForm(admin, '/queue?kind=voice_template', '/queue/views', { name: 'fuzz fixture' })).status).toBe(303);

  routes = servedRoutes(app.web.app).filter(backOffice);
  const getRoutes = routes.filter((r) => r.method === 'GET');
  const start = ['/queue', '/dashboard', '/tenants', `/tenants/${tenant.tenant.id}`, '/outbox', `/outbox/${notice!.id}`, '/admin/templates', '/admin/rules', '/admin/calendar', '/admin/staff', '/account/password', '/statistics', '/audit', `/number-batches/${objects.NU}`, ...Object.values(objects.reviewOf).map((id) => `/reviews/${id}`)];
  const crawled = await crawl(admin, start, getRoutes);
  // The fuzzing admin's own account is left alone: a reset password or a changed role would end the run, not find a bug.
  forms = crawled.forms.filter((f) => f.method === 'post').map((f) => ({ ...f, actions: f.actions.filter((a) => !a.includes(adminId)) })).filter((f) => f.actions.length > 0);
  console.log(`crawled ${crawled.pages.length} pages, ${forms.length} post forms\n${crawled.pages.join('\n')}`);
  drainLogs();
}, 300_000);

afterAll(async () => {
  await app?.stop();
  if (filesDir) await fs.rm(filesDir, { recursive: true, force: true });
});

/** Posts a form of a page as a person would, with some fields changed. */
async function submitPageForm(session: BackOfficeSession, page: string, action: string, changes: Record<string, string>) {
  const res = await session.get(page);
  const form = formsIn(res.html, page).find((f) => f.method === 'post' && f.actions[0] === action);
  if (!form) throw new Error(`no form posting to ${action} on ${page}`);
  const fields = new URLSearchParams(sentFields(form).map((f) => [f.name, changes[f.name] ?? f.value]));
  return session.postRaw(action, fields);
}

/** Values a form field might be sent instead of what the page filled in. */
function bentValue(rng: Prng, original: string, options?: string[]): string {
  return rng.weighted<() => string>([
    [8, () => oddString(rng)],
    [2, () => (options && options.length > 0 ? `${rng.pick(options)}${rng.pick(['x', ' ', '\u0000', ''])}` : '')],
    [2, () => rng.pick(['-1', '0', '1.5', '1e309', '99999999999999999999', 'NaN', '2026-02-30', '9999-12-31', '0000-00-00', '25:61', '00:00', 'true', 'on', '1', 'Asia/Nowhere', 'UTC', '../etc'])],
    [1, () => original + original],
    [1, () => rng.pick(['a', '快']).repeat(rng.pick([300, 5000, 20_000]))],
    [1, () => randomCodePoints(rng, rng.int(1, 20))],
  ])();
}

interface BoRequest {
  label: string;
  method: string;
  path: string;
  body?: URLSearchParams | string;
  headers: Record<string, string>;
}

/** One POST to a back-office route: the page's form for it with its fields bent. */
function postRequest(rng: Prng, route: ServedRoute): BoRequest {
  const matching = forms.filter((f) => f.actions.some((a) => matcherOf(route.path).test(a.split('?')[0]!)));
  const form = matching.length > 0 ? rng.pick(matching) : undefined;
  let target = form ? rng.pick(form.actions.filter((a) => matcherOf(route.path).test(a.split('?')[0]!))) : route.path.replace(/:[A-Za-z]+/g, () => rng.pick(['00000000-0000-4000-8000-000000000000', 'x']));
  const labels = [form ? 'form' : 'no-form'];
  if (rng.chance(0.15)) {
    const segments = target.split('/');
    const i = rng.int(1, segments.length - 1);
    segments[i] = rng.pick([percentEncode(oddString(rng).slice(0, 200)) || '%20', '..', '%2e%2e', '%00', '%', '%E0%A4%A', '00000000-0000-4000-8000-000000000000', 'A'.repeat(500)]);
    target = segments.join('/');
    labels.push(`path:${i}`);
  }
  // As a browser sends it (ticked boxes only), now and then with every box and button too.
  const everything = rng.chance(0.2);
  const fields: [string, string][] = (form ? (everything ? form.fields : sentFields(form)) : []).map((f) => [f.name, f.value]);
  if (!fields.some(([n]) => n === '_csrf')) fields.push(['_csrf', admin.csrf]);
  const editable = fields.map((_, i) => i).filter((i) => fields[i]![0] !== '_csrf');
  const mutation = rng.weighted<string>([
    [2, 'asIs'],
    [10, 'oneField'],
    [3, 'allFields'],
    [3, 'repeat'],
    [3, 'drop'],
    [3, 'extra'],
    [1, 'tooLarge'],
    [2, 'rawBody'],
    [2, 'contentType'],
  ]);
  labels.push(mutation);
  const pickField = () => (editable.length > 0 ? rng.pick(editable) : undefined);
  switch (mutation) {
    case 'oneField': {
      const i = pickField();
      if (i !== undefined) {
        const field = form?.fields.find((f) => f.name === fields[i]![0]);
        fields[i] = [fields[i]![0], bentValue(rng, fields[i]![1], field?.options)];
        labels.push(fields[i]![0]);
      }
      break;
    }
    case 'allFields':
      for (const i of editable) fields[i] = [fields[i]![0], bentValue(rng, fields[i]![1])];
      break;
    case 'repeat': {
      const i = pickField();
      if (i !== undefined) for (let n = rng.int(1, 3); n > 0; n--) fields.push([fields[i]![0], bentValue(rng, fields[i]![1])]);
      break;
    }
    case 'drop': {
      const i = pickField();
      if (i !== undefined) fields.splice(i, 1);
      break;
    }
    case 'extra':
      for (let n = rng.int(1, 4); n > 0; n--) fields.push([rng.pick(['__proto__', 'constructor', 'toString', 'role', 'tenantId', 'actorId', 'ids', 'numbers_北京', 'reasonCode', '', '键', 'a[b]']), bentValue(rng, '')]);
      break;
    case 'tooLarge':
      fields.push(['pad', 'x'.repeat(70 * 1024)]);
      break;
  }
  const headers: Record<string, string> = { cookie: admin.cookieHeader(), origin: new URL(app.url).origin, 'content-type': 'application/x-www-form-urlencoded' };
  if (rng.chance(0.3)) headers['hx-request'] = 'true';
  if (rng.chance(0.2)) headers['accept-language'] = rng.pick(['en', 'zh-CN', '*', 'xx']);
  let body: URLSearchParams | string = new URLSearchParams(fields);
  if (mutation === 'rawBody') {
    body = `_csrf=${encodeURIComponent(admin.csrf)}&${rng.pick(['%zz=1', 'a=%E0%A4%A', '&&&==&', 'x'.repeat(3000), Array.from({ length: 1100 }, (_, i) => `p${i}=1`).join('&'), '%00=%00', 'a[b][c]=1'])}`;
  } else if (mutation === 'contentType') {
    // The token in its header, the body in a form the back office does not read.
    headers['x-csrf-token'] = admin.csrf;
    const type = rng.pick(['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=utf-16', 'application/x-www-form-urlencoded; charset=latin1', '']);
    if (type === '') delete headers['content-type'];
    else headers['content-type'] = type;
    body = type === 'application/json' ? JSON.stringify(Object.fromEntries(fields)) : fields.map(([k, v]) => `${k}=${v}`).join('&');
    labels.push(type || 'none');
  }
  return { label: `POST ${route.path} ${labels.join(' ')}`, method: 'POST', path: target, body, headers };
}

/** One GET of a page with its query string and ids bent. */
function getRequest(rng: Prng, route: ServedRoute, pages: string[]): BoRequest {
  const known = pages.filter((p) => matcherOf(route.path).test(p.split('?')[0]!));
  let target = known.length > 0 ? rng.pick(known).split('?')[0]! : route.path.replace(/:[A-Za-z]+/g, () => rng.pick(['00000000-0000-4000-8000-000000000000', 'x', 'voice_template', '1']));
  if (route.path.includes(':') && rng.chance(0.3)) {
    const segments = target.split('/');
    segments[segments.length - 1] = rng.pick([percentEncode(oddString(rng).slice(0, 200)) || '%20', '..', '%00', '%', '99999999999', '-1']);
    target = segments.join('/');
  }
  const names = ['view', 'kind', 'status', 'sla', 'reminded', 'assignee', 'tenant', 'from', 'to', 'q', 'sort', 'cursor', 'shown', 'state', 'channel', 'event', 'before', 'period', 'actor', 'action', 'type', 'object', 'year', 'date', 'outcome', 'after', 'problems', 'review', 'done', 'told', 'saved', 'next', 'empty'];
  const query = Array.from({ length: rng.int(0, 4) }, () => `${rng.pick(names)}=${percentEncode(rng.chance(0.5) ? oddString(rng).slice(0, 300) : rng.pick(['all', 'mine', 'open', 'voice_template', 'breached', 'yes', 'me', 'none', '2026-01-01', '2026-13-45', '1', '-5', '500', '/queue', '//evil.example', 'javascript:alert(1)', Buffer.from('[1,"2026-01-01T00:00:00.000Z","x"]').toString('base64url')]))}`);
  const headers: Record<string, string> = { cookie: admin.cookieHeader() };
  if (rng.chance(0.3)) headers['hx-request'] = 'true';
  return { label: `GET ${route.path}`, method: 'GET', path: query.length > 0 ? `${target}?${query.join('&')}` : target, headers };
}

describe('the back office under generated form posts', () => {
  it('when every POST route gets its page form with fields bent, repeated, dropped and added (valid session and CSRF token), and every page gets bent queries and ids, then none is answered 5xx, every error is a page without a stack trace, and the app stays up with bounded memory', async () => {
    const posts = routes.filter((r) => r.method === 'POST' && r.path !== '/logout' && r.path !== '/login');
    const gets = routes.filter((r) => r.method === 'GET' && !['/static/*', '/static/htmx.js', '/metrics', '/healthz'].includes(r.path) && !r.path.startsWith('/language'));
    const formless = posts.filter((r) => !forms.some((f) => f.actions.some((a) => matcherOf(r.path).test(a.split('?')[0]!))));
    console.log(`POST routes without a form found on a page (sent synthesised bodies): ${formless.map((r) => r.path).join(', ') || 'none'}`);
    expect(formless).toEqual([]);
    const pages = [...new Set(forms.map((f) => f.page))];
    const rng = new Prng(SEED);
    const requests = [
      ...Array.from({ length: POSTS }, (_, i) => {
        const r = rng.fork(`post-${i}`);
        // Routes in turn, so each gets its share whatever the seed; how each body is bent stays random.
        return { index: i, ...postRequest(r, posts[i % posts.length]!) };
      }),
      ...Array.from({ length: GETS }, (_, i) => {
        const r = rng.fork(`get-${i}`);
        return { index: POSTS + i, ...getRequest(r, r.pick(gets), pages) };
      }),
    ];
    const perRoute = new Tally();
    const statuses = new Tally();
    const failures: string[] = [];
    const rss: number[] = [];
    const started = performance.now();
    for (let at = 0; at < requests.length; at += BATCH) {
      await pool(requests.slice(at, at + BATCH), CONCURRENCY, async (req) => {
        let res: RawAnswer;
        try {
          res = await send(app.url, { method: req.method, path: req.path, headers: req.headers, body: req.body?.toString() });
        } catch (err) {
          failures.push(`#${req.index} ${req.label}: no answer (${(err as Error).message})`);
          return;
        }
        perRoute.add(req.label.split(' ').slice(0, 2).join(' '));
        statuses.add(res.status);
        rememberSecrets(res.text);
        await rememberFlashSecrets(res);
        const problems = pageAnswerProblems(res, req.headers['hx-request'] === 'true');
        if (problems.length > 0) failures.push(`#${req.index} ${req.label} ${req.path.slice(0, 200)} → ${res.status}: ${problems.join('; ')} ${res.text.slice(0, 300)}`);
      });
      const { health, rssMb } = await checkpoint(app.url);
      rss.push(rssMb);
      drainLogs();
      expect(health.status).toBe(200);
      // The fuzzing admin is still signed in (nothing it sent signed it out or changed its role).
      expect((await admin.get('/admin/staff')).status, 'the admin session still works').toBe(200);
      expect(failures.slice(0, 20), `seed ${SEED}: ${failures.length} failures; the app logged:\n${appErrors.slice(0, 5).join('\n')}`).toEqual([]);
    }
    const seconds = (performance.now() - started) / 1000;
    const growth = Math.max(...rss) - rss[0]!;
    console.log(
      [
        `back-office fuzz: seed ${SEED}, ${requests.length} requests (${POSTS} posts over ${posts.length} routes, ${GETS} page loads over ${gets.length} routes) in ${seconds.toFixed(1)} s`,
        `statuses ${statuses}`,
        `RSS ${rss[0]!.toFixed(0)} MB after the first batch, highest ${Math.max(...rss).toFixed(0)} MB (growth ${growth.toFixed(0)} MB)`,
      ].join('\n'),
    );
    for (const r of posts) expect(perRoute.get(`POST ${r.path}`), r.path).toBeGreaterThanOrEqual(15);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT_MB);
  });

  it('when the sign-in form is sent bent fields by visitors, then each is answered with the sign-in page (or its lock), never a 5xx or a stack trace', async () => {
    const rng = new Prng(SEED).fork('login');
    const failures: string[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const visitor = new BackOfficeSession(app.url);
      await visitor.get('/login');
      const r = rng.fork(`login-${i}`);
      const form: Record<string, string> = { email: r.chance(0.5) ? `${oddString(r).slice(0, 300)}@example.com` : oddString(r), password: oddString(r), next: r.pick(['/queue', '//evil.example', 'https://evil.example', '/\\evil', oddString(r)]) };
      const res = await visitor.post('/login', form);
      const problems = pageAnswerProblems({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(res.html), text: res.html });
      if (res.status === 303 && !/^\/[^/\\]/.test(res.headers.get('location') ?? '')) problems.push(`redirected to ${res.headers.get('location')}`);
      if (problems.length > 0) failures.push(`login #${i} → ${res.status}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('secrets in the back-office fuzz', () => {
  it('when the fuzz has run, then no password, API key, app secret or session cookie is in any log line', () => {
    drainLogs();
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    expect(leaks).toEqual([]);
  });
});
