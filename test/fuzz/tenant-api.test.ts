import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECLARED, enterpriseFields, validActivation } from '../support/kinds.js';
import { SecretWatch } from '../support/secrets.js';
import { tenantObjects, type TenantObjects } from '../support/tenant-objects.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { fuzzRequest, ID_KINDS, type ApiFuzzContext, type IdKind } from './support/api-requests.js';
import { buildAssets, type Asset, type Assets } from './support/assets.js';
import { send, sendBytes, type RawAnswer } from './support/http.js';
import { formParts, multipartBody, newBoundary } from './support/multipart.js';
import { operationsOf, type OpenApiDocument, type Operation } from './support/openapi.js';
import { apiAnswerProblems } from './support/oracle.js';
import { fuzzSeed, Prng } from './support/prng.js';
import { checkpoint, pool, Tally } from './support/run.js';

/**
 * The tenant API under generated input: every operation of the OpenAPI document the app serves,
 * with bodies, query strings, path ids and headers bent one way or another, in batches with a
 * health check and a memory sample between them. Replay a run with FUZZ_SEED=<the printed seed>;
 * FUZZ_API_REQUESTS raises (never lowers below 10,000) the count.
 */

const SEED = fuzzSeed();
const TOTAL = Math.max(10_000, Number(process.env.FUZZ_API_REQUESTS ?? 0) || 0);
/** FUZZ_ONLY=6502,6510 sends only those requests of the seed's run (each is generated from the seed and its index alone). */
const ONLY = process.env.FUZZ_ONLY
  ? process.env.FUZZ_ONLY.split(',').flatMap((part) => {
      const [from, to] = part.split('-').map(Number);
      return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
    })
  : undefined;
const BATCH = 500;
const CONCURRENCY = 8;
/**
 * How far memory may rise over the fuzz, after the first batch warmed it up, sampled after a full
 * collection: the heap (what a leak in our code would grow) and the whole process (native memory too).
 */
const RSS_GROWTH_LIMIT_MB = 200;
const HEAP_GROWTH_LIMIT_MB = 80;

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let own: TenantObjects;
let foreign: TenantObjects;
let assets: Assets;
let doc: OpenApiDocument;
let ctx: ApiFuzzContext;
let filesDir: string;
const secrets = new SecretWatch();
const leaks: string[] = [];
/** Errors the app logged: what a 5xx was, for the failure report. */
const appErrors: string[] = [];

/** Scans and drops the log lines so far: ten thousand requests' worth would otherwise sit in memory. */
function drainLogs(): number {
  const n = app.logLines.length;
  leaks.push(...secrets.leaks(app.logLines));
  for (const line of app.logLines) if (/"level":(50|60)/.test(line)) appErrors.push(line.slice(0, 3000));
  app.logLines.length = 0;
  return n;
}


/** Secrets an answer hands out (app secrets are shown once, in the answer that made them). */
function rememberSecrets(res: RawAnswer): void {
  for (const m of res.text.matchAll(/"appSecret":"([^"]+)"/g)) secrets.add('an app secret', m[1]);
}

const stagingFiles = () => fs.readdir(path.join(filesDir, 'staging'));

beforeAll(async () => {
  console.log(`tenant API fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED}`);
  filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-fuzz-files-'));
  assets = await buildAssets();
  app = await startTestApp({ captureLogs: true, filesDir });
  tenant = await app.addTenant();
  other = await app.addTenant();
  own = await tenantObjects(app, tenant);
  foreign = await tenantObjects(app, other);
  for (const [label, t, objects] of [['tenant A', tenant, own], ['tenant B', other, foreign]] as const) {
    secrets.add(`the API key of ${label}`, t.apiKey);
    secrets.add(`the app secret of ${label}`, objects.appSecret);
  }
  secrets.add('a handler ID number', enterpriseFields().handlerIdNumber);
  const res = await send(app.url, { method: 'GET', path: '/api/v1/openapi.json' });
  expect(res.status).toBe(200);
  doc = JSON.parse(res.text) as OpenApiDocument;

  let n = 0;
  const unique = () => `${SEED.toString(36)}_${(n++).toString(36)}`;
  const contact = () => ({ name: '联系人', mobile: '13800138000', email: `fuzz${n++}@example.com`, language: 'en', subscriptions: ['voice_template'] });
  const template = () => ({ name: `模板_${unique()}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前到${TXT_8}取件', scenario: '快递通知' });
  ctx = {
    doc,
    key: tenant.apiKey,
    otherKey: other.apiKey,
    own: pick(own),
    foreign: pick(foreign),
    jsonExamples: {
      'POST /voice-templates': template,
      'PUT /voice-templates/{id}': template,
      'POST /service-activations': () => validActivation(),
      'PUT /service-activations/{id}': () => validActivation(),
      'PUT /enterprises/{id}': () => ({ declaration: DECLARED, scenario: '快递到达通知', script: '您好，您的快递已到达。' }),
      'POST /number-orders': () => ({ enterpriseId: own.approvedEnterprise, appId: own.normalApp, contact: { name: '王经理', mobile: '13800138000' }, cities: [{ city: '北京', count: 1 }] }),
      'POST /apps': () => ({ name: `app_${unique()}`, businessType: 'voice_callback', recording: true, qualityCheck: true, statusCallbackUrl: 'https://example.com/status' }),
      'PATCH /apps/{id}': () => ({ qualityCheck: false }),
      'POST /contacts': contact,
      'PUT /contacts/{id}': contact,
    },
    formExamples: {
      'POST /enterprises': () => enterpriseFields(),
      'PUT /enterprises/{id}': () => enterpriseFields(),
      'POST /audio-files': () => ({ name: `提示音_${unique()}`, description: '快递到达提示' }),
      'POST /number-unsubscriptions': () => ({ note: '退订' }),
    },
    assets,
  };
}, 300_000);

afterAll(async () => {
  await app?.stop();
  if (filesDir) await fs.rm(filesDir, { recursive: true, force: true });
});

function pick(o: TenantObjects): Record<IdKind, string> {
  return Object.fromEntries(Object.values(ID_KINDS).map((k) => [k, o[k]])) as Record<IdKind, string>;
}

describe('the tenant API under generated requests', () => {
  it('when 10,000 generated requests hit every operation of the OpenAPI document, then none is answered 5xx, every error has the documented shape, fixed statuses hold, the app stays up and its memory stays bounded', async () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThanOrEqual(30);
    const rng = new Prng(SEED);
    const perOp = new Tally();
    const statuses = new Tally();
    const failures: string[] = [];
    const rss: number[] = [];
    const heap: number[] = [];
    const started = performance.now();
    let sent = 0;
    let logLines = 0;
    const generate = (index: number) => {
      const r = rng.fork(`request-${index}`);
      const op = r.pick(ops);
      return { index, op, ...fuzzRequest(ctx, op, r) };
    };
    if (ONLY) {
      for (const fr of ONLY.map(generate)) {
        const res = await send(app.url, fr.req);
        // A replay also says which request left a file in staging.
        const staged = (await stagingFiles()).length;
        if (ONLY.length < 20 || staged > 0) console.log(`#${fr.index} ${fr.label} staged ${staged}\n${fr.req.method} ${fr.req.path}\n${JSON.stringify(fr.req.headers)}\n${String(fr.req.body ?? '').slice(0, 2000)}\n→ ${res.status} ${res.text.slice(0, 1000)}`);
        if (staged > 0) break;
      }
      drainLogs();
      console.log(appErrors.join('\n'));
      return;
    }
    for (let batch = 0; sent < TOTAL; batch++) {
      const requests = Array.from({ length: BATCH }, (_, i) => generate(sent + i));
      await pool(requests, CONCURRENCY, async (fr) => {
        let res: RawAnswer;
        try {
          res = await send(app.url, fr.req);
        } catch (err) {
          failures.push(`#${fr.index} ${fr.label}: no answer (${(err as Error).message})`);
          return;
        }
        perOp.add(`${fr.op.method} ${fr.op.path}`);
        statuses.add(res.status);
        rememberSecrets(res);
        const problems = apiAnswerProblems(res);
        if (fr.expect && !fr.expect.includes(res.status)) problems.push(`expected ${fr.expect.join(' or ')}, got ${res.status}`);
        if (problems.length > 0) failures.push(`#${fr.index} ${fr.label} → ${res.status}: ${problems.join('; ')} ${res.text.slice(0, 300)}`);
      });
      sent += requests.length;
      const { health, rssMb, heapMb } = await checkpoint(app.url);
      rss.push(rssMb);
      heap.push(heapMb);
      logLines += drainLogs();
      expect(health.status, `health after batch ${batch} (seed ${SEED})`).toBe(200);
      expect(failures.slice(0, 25), `seed ${SEED}: ${failures.length} failures in ${sent} requests; the app logged:\n${appErrors.slice(0, 5).join('\n')}`).toEqual([]);
    }
    const seconds = (performance.now() - started) / 1000;
    const growth = Math.max(...rss) - rss[0]!;
    console.log(
      [
        `tenant API fuzz: seed ${SEED}, ${sent} requests over ${ops.length} operations in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s)`,
        `statuses ${statuses}`,
        `RSS after the first batch ${rss[0]!.toFixed(0)} MB, highest ${Math.max(...rss).toFixed(0)} MB, last ${rss[rss.length - 1]!.toFixed(0)} MB (growth ${growth.toFixed(0)} MB, limit ${RSS_GROWTH_LIMIT_MB})`,
        `heap after the first batch ${heap[0]!.toFixed(0)} MB, highest ${Math.max(...heap).toFixed(0)} MB, last ${heap[heap.length - 1]!.toFixed(0)} MB`,
        `RSS per batch: ${rss.map((r) => r.toFixed(0)).join(' ')}`,
        `${logLines} log lines scanned`,
      ].join('\n'),
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
    // Every operation got its share.
    for (const op of ops) expect(perOp.get(`${op.method} ${op.path}`), `${op.method} ${op.path}`).toBeGreaterThanOrEqual(100);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    expect(Math.max(...heap) - heap[0]!).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
    expect(statuses.get(201) + statuses.get(200), 'some requests were valid enough to succeed').toBeGreaterThan(100);
    expect(await stagingFiles()).toEqual([]);
  });
});

describe('hostile files', () => {
  /** Each upload route with its file field, the kind of asset it takes and a valid form around it. */
  const routes = (): { path: string; field: string; family: 'jpg' | 'wav' | 'xlsx'; accepts: Asset['is'][]; fields: Record<string, string>; otherFiles: string[] }[] => [
    { path: '/enterprises', field: 'license', family: 'jpg', accepts: ['jpg'], fields: enterpriseFields(), otherFiles: ['handlerIdFront', 'handlerIdBack', 'handlerWithId'] },
    { path: '/enterprises', field: 'otherMaterials', family: 'jpg', accepts: ['jpg', 'png', 'rar', 'zip'], fields: enterpriseFields(), otherFiles: ['license', 'handlerIdFront', 'handlerIdBack', 'handlerWithId'] },
    { path: '/audio-files', field: 'file', family: 'wav', accepts: ['wav'], fields: { name: '提示音', description: '快递' }, otherFiles: [] },
    { path: '/number-unsubscriptions', field: 'file', family: 'xlsx', accepts: ['xlsx'], fields: { note: '退订' }, otherFiles: [] },
  ];

  const upload = (route: ReturnType<typeof routes>[number], asset: Asset, headers: Record<string, string> = {}) => {
    const boundary = newBoundary(new Prng(SEED));
    const files = Object.fromEntries([...route.otherFiles.map((f) => [f, { name: 'ok.jpg', content: assets.jpg[0]!.content }]), [route.field, { name: asset.name, content: asset.content, type: asset.type }]]);
    return send(app.url, {
      method: 'POST',
      path: `/api/v1${route.path}`,
      headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'accept-language': 'en', ...headers },
      body: multipartBody(boundary, formParts(route.fields, files)),
    });
  };

  it('when every hostile or wrong file is uploaded to every upload route (zip bombs, a million rows, formulas, WAV headers that lie), then each is taken or refused in the error shape, quickly, and nothing stays staged', async () => {
    const outcomes = new Tally();
    const failures: string[] = [];
    const before = (await checkpoint(app.url)).rssMb;
    let highest = before;
    for (const route of routes()) {
      const own = route.family === 'jpg' ? assets.jpg : route.family === 'wav' ? assets.wav : assets.xlsx;
      for (const asset of [...own, ...assets.wrong]) {
        const started = performance.now();
        const res = await upload(route, asset);
        const ms = performance.now() - started;
        outcomes.add(`${route.path}:${route.field}:${[...asset.name].slice(0, 30).join('')}→${res.status}`);
        const problems = apiAnswerProblems(res);
        if (ms > 5_000) problems.push(`took ${Math.round(ms)} ms`);
        if (res.status === 201 && !route.accepts.includes(asset.is)) problems.push(`a ${asset.is} file was taken as ${route.accepts.join(' or ')}`);
        if (res.status === 415 && route.accepts.includes(asset.is) && asset.content.length > 100) problems.push(`a ${asset.is} file was refused as not ${route.accepts.join(' or ')}`);
        if (problems.length > 0) failures.push(`${route.path} ${route.field}=${asset.name} → ${res.status}: ${problems.join('; ')} ${res.text.slice(0, 300)}`);
        rememberSecrets(res);
      }
      highest = Math.max(highest, (await checkpoint(app.url)).rssMb);
    }
    console.log(`hostile files: ${outcomes}\nRSS ${before.toFixed(0)} MB before, highest ${highest.toFixed(0)} MB`);
    expect(failures).toEqual([]);
    expect(highest - before).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    // The ones whose answer is fixed: the bombs are refused before anything is unpacked in full.
    const status = (file: string) => Number(outcomes.entries().find(([k]) => k.startsWith(`/number-unsubscriptions:file:${file}→`))?.[0].split('→')[1]);
    expect(status('bomb.xlsx')).toBe(413);
    expect(status('a-million-rows.xlsx')).toBe(413);
    expect(status('lying-directory.xlsx')).toBe(422);
    expect(status('many-entries.xlsx')).toBe(413);
    expect(status('formulas.xlsx')).toBe(201);
    expect(status('notes.txt')).toBe(415);
    drainLogs();
    await expect.poll(stagingFiles).toEqual([]);
  });

  it('when an upload is cut off mid-body or its connection dropped, then the app answers the next request and keeps nothing staged', async () => {
    const boundary = 'cutoff';
    const body = multipartBody(boundary, formParts({ note: '退订' }, { file: { name: 'n.xlsx', content: assets.xlsx[0]!.content } }));
    const head = (length: number) =>
      Buffer.from(
        `POST /api/v1/number-unsubscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`,
      );
    // Promised more than sent, then hung up.
    const dropped = await sendBytes(app.url, Buffer.concat([head(body.length + 5000), body.subarray(0, body.length - 10)]), { closeAfterMs: 300 });
    expect(dropped.status).toBe(0);
    // A chunked body whose chunk sizes lie.
    const lying = await sendBytes(app.url, Buffer.concat([Buffer.from(`POST /api/v1/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFF\r\n{"name":`), Buffer.from('\r\n0\r\n\r\n')]), { closeAfterMs: 500 });
    expect(lying.status === 0 || (lying.status >= 400 && lying.status < 500)).toBe(true);
    // Garbage instead of HTTP.
    const garbage = await sendBytes(app.url, Buffer.from('\u0000\u0001GARBAGE / HTTP/9.9\r\n\r\n'), { closeAfterMs: 500 });
    expect(garbage.status === 0 || garbage.status === 400).toBe(true);
    expect((await checkpoint(app.url)).health.status).toBe(200);
    await expect.poll(stagingFiles, { timeout: 10_000 }).toEqual([]);
  });
});

describe('bodies of the wrong media type', () => {
  it('when an operation that takes JSON gets a body of another type, or none declared, then 415 in the error shape', async () => {
    const jsonOnly = operationsOf(doc).filter((op) => op.bodies['application/json'] && !op.bodies['multipart/form-data']);
    expect(jsonOnly.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const op of jsonOnly) {
      const kind = ID_KINDS[op.path.split('/')[1] as keyof typeof ID_KINDS];
      const target = `/api/v1${op.path.replace('{id}', own[kind])}`;
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'text/json', 'application/jsonx', undefined]) {
        const res = await send(app.url, { method: op.method, path: target, headers: { authorization: `Bearer ${tenant.apiKey}`, ...(type ? { 'content-type': type } : {}) }, body: '{"name":"x"}' });
        const problems = apiAnswerProblems(res);
        if (res.status !== 415) problems.push(`expected 415, got ${res.status}`);
        if (problems.length > 0) failures.push(`${op.method} ${op.path} as ${type ?? 'no type'}: ${problems.join('; ')} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('when an upload operation gets JSON or a form instead of multipart, then 415 naming the body', async () => {
    const uploads = operationsOf(doc).filter((op) => op.bodies['multipart/form-data'] && !op.bodies['application/json']);
    // An unsubscribe batch also takes JSON (the numbers picked from a list): not an upload-only operation.
    expect(uploads.map((op) => op.path).sort()).toEqual(['/audio-files', '/enterprises']);
    for (const op of uploads as Operation[]) {
      for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
        const res = await send(app.url, { method: op.method, path: `/api/v1${op.path}`, headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': type }, body: '{"note":"x"}' });
        expect(res.status, `${op.path} as ${type}`).toBe(415);
        expect(JSON.parse(res.text).error.details).toEqual([{ path: '(body)', message: expect.stringContaining('multipart/form-data') }]);
      }
    }
  });
});

describe('secrets in the fuzz run', () => {
  it('when the fuzz has run, then no API key, app secret or whole ID number is in any log line', () => {
    drainLogs();
    expect(secrets.size).toBeGreaterThanOrEqual(5);
    expect(leaks).toEqual([]);
  });
});
