import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavFile } from '../support/audio.js';
import { jpgFile } from '../support/files.js';
import { enterpriseFields } from '../support/kinds.js';
import { xlsxFile } from '../support/numbers.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { send, sendBytes, type RawAnswer } from './support/http.js';
import { formParts, multipartBody, newBoundary, type Part } from './support/multipart.js';
import { apiAnswerProblems } from './support/oracle.js';
import { fuzzSeed, Prng } from './support/prng.js';
import { Tally } from './support/run.js';

/**
 * Every multipart route of the tenant API under mutated multipart: bytes in part headers and
 * names, parts duplicated, dropped or sent after the file, boundaries wrong, missing or repeated,
 * bodies cut anywhere and inside a file, 10,000 tiny parts, part headers of 100 kB. Each request
 * is refused with a 4xx in the API's error shape, leaves nothing in the files folder (staging or
 * kept) nor a row in the database, and the app answers /healthz after it. Requests go one at a
 * time, so a leak is pinned on the request that made it. Replay with FUZZ_SEED=<printed seed>;
 * FUZZ_MULTIPART_REQUESTS raises the count.
 */

const SEED = fuzzSeed();
const TOTAL = Math.max(2000, Number(process.env.FUZZ_MULTIPART_REQUESTS ?? 0) || 0);
/** FUZZ_ONLY=<index>[,<index>] sends only those requests of the seed's run and prints them. */
const ONLY = process.env.FUZZ_ONLY ? new Set(process.env.FUZZ_ONLY.split(',').map(Number)) : undefined;

let app: TestApp;
let tenant: TestTenant;
let filesDir: string;
let enterpriseId = '';
let jpg: Buffer;
let xlsx: Buffer;

interface Route {
  label: string;
  method: 'POST' | 'PUT';
  path: () => string;
  /** A valid form for the route, text fields first, then files. */
  parts: () => Part[];
  /** Parts without which the form is refused. */
  required: string[];
}

const routes: Route[] = [
  {
    label: 'POST /enterprises',
    method: 'POST',
    path: () => '/api/v1/enterprises',
    parts: () => formParts(enterpriseFields(), enterpriseJpgs()),
    required: ['companyName', 'handlerIdNumber', 'license', 'handlerWithId'],
  },
  {
    label: 'PUT /enterprises/{id}',
    method: 'PUT',
    path: () => `/api/v1/enterprises/${enterpriseId}`,
    parts: () => formParts(enterpriseFields(), enterpriseJpgs()),
    required: ['handlerName', 'scenario', 'handlerIdFront', 'handlerIdBack'],
  },
  {
    label: 'POST /audio-files',
    method: 'POST',
    path: () => '/api/v1/audio-files',
    parts: () => formParts({ name: '取件提示音', description: '快递到达' }, { file: { name: 'notice.wav', content: wavFile(), type: 'audio/wav' } }),
    required: ['name', 'file'],
  },
  {
    label: 'POST /number-unsubscriptions',
    method: 'POST',
    path: () => '/api/v1/number-unsubscriptions',
    parts: () => formParts({ note: '退订' }, { file: { name: 'numbers.xlsx', content: xlsx } }),
    required: ['file'],
  },
];

const enterpriseJpgs = () => Object.fromEntries(['license', 'handlerIdFront', 'handlerIdBack', 'handlerWithId'].map((f) => [f, { name: `${f}.jpg`, content: jpg, type: 'image/jpeg' }]));

interface Mutated {
  mutation: string;
  contentType: string;
  body: Buffer;
}

const randomBytes = (rng: Prng, min: number, max: number) => Buffer.from(Array.from({ length: rng.int(min, max) }, () => rng.int(0, 255)));
const fileIndexes = (parts: Part[]) => parts.flatMap((p, i) => (p.filename !== undefined ? [i] : []));

/** Each mutation breaks the form for sure: nothing it makes is a valid submission. */
const MUTATIONS: [number, string, (rng: Prng, route: Route) => Mutated][] = [
  [
    10,
    'bytes in a part header',
    (rng, route) => {
      const parts = route.parts();
      const i = rng.int(0, parts.length - 1);
      const p = parts[i]!;
      const line = Buffer.from(`Content-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}`, 'latin1');
      const at = rng.int(0, line.length);
      // A control byte (other than tab, which a quoted file name may hold) makes the header
      // malformed wherever it lands; one is always among the bytes put in.
      const junk = Buffer.concat([Buffer.from([rng.pick([...Array.from({ length: 0x20 }, (_, b) => b).filter((b) => b !== 0x09), 0x7f])]), randomBytes(rng, 0, 12)]);
      parts[i] = { ...p, rawHeaders: true, headers: [Buffer.concat([line.subarray(0, at), junk, line.subarray(at)]).toString('latin1'), ...(p.filename !== undefined ? ['Content-Type: application/octet-stream'] : [])] };
      return build(rng, parts, 'bytes in a part header');
    },
  ],
  [
    10,
    'bytes as a part name',
    (rng, route) => {
      const parts = route.parts();
      const i = rng.int(0, parts.length - 1);
      // At least one byte no field name has, so it can never name a real field.
      const name = Buffer.concat([randomBytes(rng, 0, 8), Buffer.from([rng.pick([0x01, 0x7f, 0xff, 0x22, 0x5c, 0x3b, 0x0a, 0x80])]), randomBytes(rng, 0, 8)]).toString('latin1');
      parts[i] = { ...parts[i]!, name };
      return build(rng, parts, 'bytes as a part name');
    },
  ],
  [
    8,
    'a part given twice',
    (rng, route) => {
      const parts = route.parts();
      const i = rng.int(0, parts.length - 1);
      parts.splice(rng.int(i + 1, parts.length), 0, { ...parts[i]! });
      return build(rng, parts, `"${parts[i]!.name}" twice`);
    },
  ],
  [
    8,
    'a required part missing',
    (rng, route) => {
      const name = rng.pick(route.required);
      return build(
        rng,
        route.parts().filter((p) => p.name !== name),
        `without "${name}"`,
      );
    },
  ],
  [
    8,
    'a part after the file',
    (rng, route) => {
      const parts = route.parts();
      const text = parts.filter((p) => p.filename === undefined);
      const extra = rng.chance(0.5) && text.length > 0 ? { ...rng.pick(text) } : { name: `extra_${rng.int(0, 9999)}`, body: 'x' };
      return build(rng, [...parts, extra], `"${extra.name}" after the files`);
    },
  ],
  [
    6,
    'a wrong boundary',
    (rng, route) => {
      const boundary = newBoundary(rng);
      return { mutation: 'a wrong boundary', contentType: `multipart/form-data; boundary=${boundary}x`, body: multipartBody(boundary, route.parts()) };
    },
  ],
  [
    6,
    'no boundary',
    (rng, route) => {
      const boundary = newBoundary(rng);
      const withBody = rng.chance(0.5);
      return { mutation: `no boundary ${withBody ? 'declared' : 'in the body'}`, contentType: withBody ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`, body: withBody ? multipartBody(boundary, route.parts()) : Buffer.from(route.parts().map((p) => (typeof p.body === 'string' ? p.body : p.body.toString('latin1'))).join('\r\n'), 'latin1') };
    },
  ],
  [
    6,
    'a repeated boundary',
    (rng, route) => {
      const boundary = newBoundary(rng);
      if (rng.chance(0.5)) {
        return { mutation: 'two boundary parameters', contentType: `multipart/form-data; boundary=${boundary}; boundary=${boundary}y`, body: multipartBody(`${boundary}y`, route.parts()) };
      }
      // A delimiter line straight after another: a part with no headers, so no name.
      const body = multipartBody(boundary, route.parts());
      const line = Buffer.from(`--${boundary}\r\n`);
      const at = body.indexOf(line, rng.int(0, body.length - line.length));
      const cut = at < 0 ? 0 : at;
      return { mutation: 'a delimiter line twice', contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([body.subarray(0, cut), line, body.subarray(cut)]) };
    },
  ],
  [
    10,
    'a body cut short',
    (rng, route) => {
      const boundary = newBoundary(rng);
      const body = multipartBody(boundary, route.parts());
      // Anywhere before the closing delimiter: the form is never whole.
      const end = body.length - Buffer.byteLength(`--${boundary}--\r\n`) - 2;
      return { mutation: 'a body cut short', contentType: `multipart/form-data; boundary=${boundary}`, body: body.subarray(0, rng.int(0, end)) };
    },
  ],
  [
    8,
    'a body that stops inside a file',
    (rng, route) => {
      const boundary = newBoundary(rng);
      const parts = route.parts();
      const i = rng.pick(fileIndexes(parts));
      const before = multipartBody(boundary, parts.slice(0, i), { unterminated: true });
      const file = parts[i]!;
      const head = multipartBody(boundary, [{ ...file, body: '' }], { unterminated: true }).subarray(0, -2);
      const content = Buffer.isBuffer(file.body) ? file.body : Buffer.from(file.body);
      return { mutation: `stops inside "${file.name}"`, contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([before, head, content.subarray(0, rng.int(1, content.length - 1))]) };
    },
  ],
  [
    1,
    '10,000 tiny parts',
    (rng, route) => {
      const boundary = newBoundary(rng);
      const tiny: Part[] = Array.from({ length: 10_000 }, (_, i) => ({ name: `p${i}`, body: 'x' }));
      return { mutation: '10,000 tiny parts', contentType: `multipart/form-data; boundary=${boundary}`, body: multipartBody(boundary, rng.chance(0.5) ? [...tiny, ...route.parts()] : [...route.parts().slice(0, 1), ...tiny]) };
    },
  ],
  [
    3,
    'a part header of 100 kB',
    (rng, route) => {
      const parts = route.parts();
      const i = rng.int(0, parts.length - 1);
      const long = rng.chance(0.5) ? [`X-Padding: ${'a'.repeat(100 * 1024)}`] : [`Content-Type: text/plain; x=${'b'.repeat(100 * 1024)}`];
      parts[i] = { ...parts[i]!, headers: long };
      return build(rng, parts, `a 100 kB header on "${parts[i]!.name}"`);
    },
  ],
];

function build(rng: Prng, parts: Part[], mutation: string): Mutated {
  const boundary = newBoundary(rng);
  return { mutation, contentType: `multipart/form-data; boundary=${boundary}`, body: multipartBody(boundary, parts) };
}

/** Files under the store (staging and kept), and rows a refused submission must not leave. */
async function footprint(): Promise<string> {
  const files = (await fs.readdir(filesDir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).length;
  const [rows] = (await app.database.db.execute(
    sql`select (select count(*) from reviews)::int as reviews, (select coalesce(sum(round), 0) from reviews)::int as rounds, (select count(*) from stored_files)::int as files, (select count(*) from idempotency_keys)::int as keys`,
  )) as unknown as [Record<string, number>];
  return JSON.stringify({ files, ...rows });
}

beforeAll(async () => {
  console.log(`multipart fuzz seed ${SEED}: replay with FUZZ_SEED=${SEED}`);
  filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-multipart-fuzz-'));
  app = await startTestApp({ filesDir });
  tenant = await app.addTenant();
  jpg = jpgFile();
  xlsx = await xlsxFile([['号码'], ['01012345678'], ['02087654321']]);
}, 300_000);

afterAll(async () => {
  await app?.stop();
  if (filesDir) await fs.rm(filesDir, { recursive: true, force: true });
});

const sendForm = (route: Route, m: Mutated) =>
  send(app.url, { method: route.method, path: route.path(), headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': m.contentType, 'accept-language': 'en' }, body: m.body }, 30_000);

describe('multipart routes under mutated bodies', () => {
  it('when each route gets its valid form, then it is taken: the mutations below are what is refused', async () => {
    for (const route of routes.filter((r) => r.method === 'POST')) {
      const boundary = newBoundary(new Prng(SEED));
      const res = await sendForm(route, { mutation: 'none', contentType: `multipart/form-data; boundary=${boundary}`, body: multipartBody(boundary, route.parts()) });
      expect(res.status, `${route.label}: ${res.text.slice(0, 300)}`).toBe(201);
      if (route.label === 'POST /enterprises') enterpriseId = (JSON.parse(res.text) as { subjectId: string }).subjectId;
    }
    expect(enterpriseId).toMatch(/^EQ/);
  });

  it(`when ${TOTAL} mutated multipart bodies are sent to the routes in turn, then each gets a 4xx in the error shape, leaves no file or row, and /healthz answers after it`, async () => {
    const statuses = new Tally();
    const mutations = new Tally();
    const failures: string[] = [];
    const started = performance.now();
    let before = await footprint();
    for (let i = 0; i < TOTAL; i++) {
      if (ONLY && !ONLY.has(i)) continue;
      const route = routes[i % routes.length]!;
      const rng = new Prng(SEED).fork(`request-${i}`);
      const [, name, mutate] = rng.weighted(MUTATIONS.map((m) => [m[0], m] as const));
      const m = mutate(rng, route);
      const label = `#${i} ${route.label}: ${m.mutation} (${m.body.length} bytes)`;
      if (ONLY) console.log(`${label}\nContent-Type: ${m.contentType}\n${JSON.stringify(m.body.toString("latin1").split("\r\n").filter((l) => l.length < 300))}`);
      let res: RawAnswer;
      try {
        res = await sendForm(route, m);
      } catch (err) {
        failures.push(`${label}: no answer (${(err as Error).message})`);
        continue;
      }
      statuses.add(res.status);
      mutations.add(name);
      const problems = apiAnswerProblems(res);
      if (res.status < 400 || res.status >= 500) problems.push(`answered ${res.status}`);
      const health = await send(app.url, { method: 'GET', path: '/healthz' }, 15_000).catch(() => undefined);
      if (health?.status !== 200) problems.push(`/healthz answered ${health?.status ?? 'nothing'} after it`);
      const after = await footprint();
      if (after !== before) problems.push(`left ${after} (was ${before})`);
      before = after;
      if (problems.length > 0) failures.push(`${label} → ${res.status}: ${problems.join('; ')} ${res.text.slice(0, 200)}`);
      if (failures.length >= 10) break;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`multipart fuzz: seed ${SEED}, ${TOTAL} requests over ${routes.length} routes in ${seconds.toFixed(1)} s\nstatuses ${statuses}\nmutations ${mutations}`);
    expect(failures, `seed ${SEED}`).toEqual([]);
    if (!ONLY) for (const [, name] of MUTATIONS) expect(mutations.get(name), name).toBeGreaterThan(0);
  });

  it('when an upload to each route is dropped by its client inside a file, then nothing stays staged or kept and the app answers', async () => {
    const before = await footprint();
    for (const route of routes) {
      const boundary = 'dropped';
      const body = multipartBody(boundary, route.parts());
      const head = `${route.method} ${route.path()} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
      const dropped = await sendBytes(app.url, Buffer.concat([Buffer.from(head), body.subarray(0, body.length - 40)]), { closeAfterMs: 300 });
      expect(dropped.status === 0 || (dropped.status >= 400 && dropped.status < 500), route.label).toBe(true);
    }
    await expect.poll(footprint, { timeout: 10_000 }).toBe(before);
    expect((await send(app.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});
