import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';

/**
 * `npm start` as a person or a container runtime runs it: its own process group, embedded
 * PostgreSQL and Temporal dev server, demo data. Each test records the whole process tree under
 * npm from /proc, stops it one way or another, and requires every one of those processes gone.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The web and worker processes log their own stop; the supervisor then notes each process gone. */
const STOP_ORDER = ['web server', 'web process', 'worker', 'worker process', 'local mail and SMS stand-ins', 'Temporal dev server', 'PostgreSQL'];

let dataDir: string;
let running: RunningStart | undefined;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vrd-start-'));
  fs.chmodSync(dataDir, 0o755);
});

afterEach(async () => {
  // A failed test must not leave its tree behind for the next one (orphans included).
  if (running) for (const p of [...running.tree, ...descendants(running.npm.pid!)].filter(alive)) signal(p.pid, 'SIGKILL');
  running = undefined;
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface ProcInfo {
  pid: number;
  ppid: number;
  start: string;
  state: string;
  cmd: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { pid, state: fields[0]!, ppid: Number(fields[1]), start: fields[19]!, cmd };
  } catch {
    return undefined;
  }
}

function descendants(rootPid: number): ProcInfo[] {
  const all = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcInfo => p !== undefined);
  const found: ProcInfo[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Still running: the same process (same start time, so not a recycled pid) and not a zombie. */
function alive(p: ProcInfo): boolean {
  const now = readProc(p.pid);
  return now !== undefined && now.start === p.start && now.state !== 'Z';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

interface RunningStart {
  npm: ChildProcess;
  url: string;
  port: number;
  apiKey: string;
  output: () => string;
  exited: Promise<number | null>;
  /** Every process under npm once it is up, recorded before anything is stopped. */
  tree: ProcInfo[];
}

async function npmStart(): Promise<RunningStart> {
  const env: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', DEMO_DATA: 'true' };
  for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SMTP_URL', 'SMS_GATEWAY_URL', 'SMS_APP_KEY', 'SMS_APP_SECRET']) delete env[name];
  // Its own process group, as a shell gives a foreground job: a Ctrl-C reaches the whole group.
  const npm = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  npm.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  npm.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  while (!/Demo tenant API key: (\S+)/.test(output)) {
    if (npm.exitCode !== null) throw new Error(`npm start exited with ${npm.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await delay(100);
  }
  const url = /is running at (http:\/\/\S+)/.exec(output)![1]!;
  const apiKey = /Demo tenant API key: (\S+)/.exec(output)![1]!;
  running = { npm, url, port: Number(new URL(url).port), apiKey, output: () => output, exited, tree: [readProc(npm.pid!)!, ...descendants(npm.pid!)] };
  return running;
}

/** Waits until none of `procs` runs, up to `ms`; returns those still running. */
async function waitGone(procs: ProcInfo[], ms: number): Promise<ProcInfo[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = procs.filter(alive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await delay(100);
  }
}

interface Health {
  status: string;
  processes?: { name: string; state: string; pid: number | null; restarts: number; lastExit: string | null }[];
}

async function health(url: string): Promise<Health | undefined> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 ? ((await res.json()) as Health) : undefined;
  } catch {
    return undefined;
  }
}

const processOf = (h: Health | undefined, name: string) => h?.processes?.find((p) => p.name === name);

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/** The shutdown steps the app logged, in the order it logged them. */
function stopSteps(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; step?: string })
    .filter((l) => l.msg.startsWith('stopped: '))
    .map((l) => l.step ?? '');
}

function find(tree: ProcInfo[], pattern: RegExp): ProcInfo {
  const p = tree.find((x) => pattern.test(x.cmd));
  if (!p) throw new Error(`no process matching ${pattern} in\n${tree.map((x) => `${x.pid} ${x.cmd}`).join('\n')}`);
  return p;
}

async function expectAllGone(app: RunningStart, tree: ProcInfo[]) {
  const left = await waitGone(tree, 30_000);
  expect(left.map((p) => `${p.pid} ${p.cmd}`), app.output()).toEqual([]);
  expect(await answers(app.url)).toBe(false);
}

describe('stopping npm start', () => {
  it('when npm gets SIGTERM, then a request in progress is answered, the parts stop web → worker → Temporal → PostgreSQL, and no process is left', async () => {
    const app = await npmStart();
    const { tree } = app;
    // npm, the app itself, PostgreSQL and the Temporal dev server, at least.
    expect(tree.length).toBeGreaterThanOrEqual(4);
    find(tree, /scripts\/run\.mjs start$/);
    find(tree, /scripts\/run\.mjs web$/);
    find(tree, /scripts\/run\.mjs worker$/);
    find(tree, /postgres -D/);
    find(tree, /temporal server start-dev/);
    // Node runs each part itself: no tsx wrapper process between a signal and the app.
    expect(tree.filter((p) => /\btsx\b/.test(p.cmd)).map((p) => p.cmd)).toEqual([]);

    // A submission whose body is still arriving when the signal comes.
    const body = JSON.stringify({ name: 'shutdown', speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前取件', scenario: 'parcel' });
    let inFlight: () => void = () => undefined;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${app.url}/api/v1/voice-templates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      inFlight = () => req.end(body.slice(10));
    });
    await delay(300);

    signal(app.npm.pid!, 'SIGTERM');
    await delay(1000);
    expect(await answers(app.url), 'new connections are refused once stopping').toBe(false);
    inFlight();
    const res = await answer;
    expect(res.status, res.body).toBe(201);

    await expectAllGone(app, tree);
    expect(await app.exited).toBe(0);
    expect(stopSteps(app.output())).toEqual(STOP_ORDER);
  });

  it('when Ctrl-C reaches the whole process group, then the same orderly stop, once, and no process is left', async () => {
    const app = await npmStart();
    const { tree } = app;
    signal(-app.npm.pid!, 'SIGINT');
    await expectAllGone(app, tree);
    expect(stopSteps(app.output())).toEqual(STOP_ORDER);
    expect(app.output()).not.toMatch(/shutdown step (failed|took too long)/);
  });

  it('when the app process itself gets SIGTERM, then npm ends with it and no process is left', async () => {
    const app = await npmStart();
    const { tree } = app;
    signal(find(tree, /scripts\/run\.mjs start$/).pid, 'SIGTERM');
    await expectAllGone(app, tree);
    expect(stopSteps(app.output())).toEqual(STOP_ORDER);
  });

  it('when PostgreSQL dies on its own, then the app notices, stops the rest and exits with an error', async () => {
    const app = await npmStart();
    const { tree } = app;
    signal(find(tree, /postgres -D/).pid, 'SIGKILL');
    await expectAllGone(app, tree);
    expect(app.output()).toContain('PostgreSQL exited on its own');
    expect(await app.exited).not.toBe(0);
  });

  it('when the Temporal dev server dies on its own, then the app notices, stops the rest and exits with an error', async () => {
    const app = await npmStart();
    const { tree } = app;
    signal(find(tree, /temporal server start-dev/).pid, 'SIGKILL');
    await expectAllGone(app, tree);
    expect(app.output()).toContain('the Temporal dev server exited on its own');
    expect(stopSteps(app.output())).toEqual(STOP_ORDER);
    expect(await app.exited).not.toBe(0);
  });
});

describe('the web server and the worker fail apart and come back', () => {
  it('when the web process and then the worker are killed with SIGKILL under load, then each is started again within 10 s, the other keeps going, no submission is lost or made twice, and /healthz and /metrics show it', async () => {
    const app = await npmStart();
    const reviewerPassword = /reviewer@demo\.local\s+(\S+)/.exec(app.output())![1]!;
    const first = await health(app.url);
    expect(first?.processes?.map((p) => `${p.name}:${p.state}`)).toEqual(['web:running', 'worker:running']);

    // Steady submissions, each retried with its Idempotency-Key until it is taken (a web restart refuses connections for a moment).
    const submitted: { key: string; id?: string }[] = [];
    let loading = true;
    const submit = async (key: string) => {
      const entry: { key: string; id?: string } = { key };
      submitted.push(entry);
      const body = JSON.stringify({ name: `load_${key.replace(/-/g, '_')}`, speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前取件', scenario: 'parcel' });
      for (const deadline = Date.now() + 60_000; !entry.id && Date.now() < deadline; ) {
        try {
          const res = await fetch(`${app.url}/api/v1/voice-templates`, { method: 'POST', headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key }, body, signal: AbortSignal.timeout(15_000) });
          if (res.status === 201) entry.id = ((await res.json()) as { id: string }).id;
          else await delay(200);
        } catch {
          await delay(200);
        }
      }
    };
    const load = (async () => {
      const pending: Promise<void>[] = [];
      for (let i = 0; loading; i++) {
        pending.push(submit(`load-${i}`));
        await delay(200);
      }
      await Promise.all(pending);
    })();
    await delay(2000);

    const web = processOf(first, 'web')!;
    signal(web.pid!, 'SIGKILL');
    const webKilled = Date.now();
    let webBack = 0;
    while (!webBack) {
      const h = await health(app.url);
      const now = processOf(h, 'web');
      if (now?.state === 'running' && now.pid !== web.pid) webBack = Date.now() - webKilled;
      else if (Date.now() - webKilled > 30_000) throw new Error(`the web process did not come back:\n${app.output().slice(-3000)}`);
      else await delay(100);
    }
    // The worker went on meanwhile.
    expect(processOf(await health(app.url), 'worker')).toMatchObject({ pid: processOf(first, 'worker')!.pid, restarts: 0 });

    const worker = processOf(first, 'worker')!;
    signal(worker.pid!, 'SIGKILL');
    const workerKilled = Date.now();
    // Back means doing the worker's work: a submission made after the kill passes its automatic check and is decided.
    const after = await fetch(`${app.url}/api/v1/voice-templates`, { method: 'POST', headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'after_worker_kill', speed: 'normal', speaker: 'xiaoyan_female', content: '请于${DATE}前取件', scenario: 'parcel' }) });
    expect(after.status).toBe(201);
    const afterId = ((await after.json()) as { id: string }).id;
    const reviewer = new BackOfficeSession(app.url);
    await reviewer.login('reviewer@demo.local', reviewerPassword);
    let workerBack = 0;
    while (!workerBack) {
      const res = await decideInBackOffice(reviewer, afterId, { outcome: 'approved' });
      if (res.status === 200 && /status-approved/.test(res.html)) workerBack = Date.now() - workerKilled;
      else if (Date.now() - workerKilled > 60_000) throw new Error(`the worker did not come back:\n${app.output().slice(-3000)}`);
      else await delay(250);
    }
    expect(processOf(await health(app.url), 'web')?.pid).not.toBe(web.pid);

    loading = false;
    await load;
    process.stdout.write(`web back in ${webBack} ms, worker back (a review checked and decided) in ${workerBack} ms, ${submitted.length} submissions under load\n`);
    expect(webBack).toBeLessThan(10_000);
    expect(workerBack).toBeLessThan(10_000);

    // Nothing lost, nothing twice: every key has its one review, readable.
    expect(submitted.filter((s) => !s.id).map((s) => s.key)).toEqual([]);
    expect(new Set(submitted.map((s) => s.id)).size).toBe(submitted.length);
    for (const s of submitted) {
      const res = await fetch(`${app.url}/api/v1/reviews/${s.id}`, { headers: { authorization: `Bearer ${app.apiKey}` } });
      expect(res.status, s.key).toBe(200);
    }
    const h = await health(app.url);
    expect(h?.processes).toEqual([
      expect.objectContaining({ name: 'web', state: 'running', restarts: 1, lastExit: 'signal SIGKILL' }),
      expect.objectContaining({ name: 'worker', state: 'running', restarts: 1, lastExit: 'signal SIGKILL' }),
    ]);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('vrd_supervised_restarts{process="web",role="web"} 1');
    expect(metrics).toContain('vrd_supervised_restarts{process="worker",role="worker"} 1');
    expect(metrics).toContain('vrd_supervised_up{process="worker",role="worker"} 1');
    expect(app.output()).toMatch(/web ended \(signal SIGKILL\); starting it again/);
    expect(app.output()).toMatch(/worker ended \(signal SIGKILL\); starting it again/);

    const tree = [...app.tree, ...descendants(app.npm.pid!)];
    signal(app.npm.pid!, 'SIGTERM');
    await expectAllGone(app, tree);
    expect(await app.exited).toBe(0);
  });
});
