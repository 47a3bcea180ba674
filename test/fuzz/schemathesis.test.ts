import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantObjects } from '../support/tenant-objects.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { schemathesisCommand, SCHEMATHESIS_VERSION, schemathesisConfig } from './support/schemathesis.js';
import { send } from './support/http.js';

/**
 * The tenant API under a fuzzer the project did not write: schemathesis (from PyPI, the version
 * pinned in test/fuzz/support/schemathesis.ts, installed by .ci/run) reads the OpenAPI document the
 * app serves and runs every check it has (`--checks all`) with a fixed seed for a fixed time:
 * no server error, no crash, every schema-valid request taken, every status documented, 405 with
 * Allow for a method a path does not have, answers that match their schemas. /healthz is asked
 * every second while it runs and must always answer 200. Where a rule of the server cannot be
 * said in JSON Schema, the check that would trip on it is configured in the generated config file
 * with the reason, as docs/testing.md lists.
 */

const SEED = Number(process.env.SCHEMATHESIS_SEED ?? 4242);
const MAX_SECONDS = Number(process.env.SCHEMATHESIS_MAX_TIME ?? 90);

let app: TestApp;
let tenant: TestTenant;
let workDir: string;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-schemathesis-'));
  // Its negative-auth check sends many unknown keys from this one address; the lock past 20 has its own tests.
  app = await startTestApp({ captureLogs: true, env: { API_KEY_GUESSES_PER_ADDRESS: '1000000' } });
  tenant = await app.addTenant();
  // Objects of every kind, so lists and reads answer with real data for the response checks.
  await tenantObjects(app, tenant);
}, 300_000);

afterAll(async () => {
  await app?.stop();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

interface Summary {
  failures: Record<string, number>;
  errors: string[];
  generated: number;
  output: string;
}

/** Runs schemathesis to its end; the counts come from its JUnit report (one test case per operation, a failure per check). */
async function runSchemathesis(command: string): Promise<Summary & { exitCode: number | null }> {
  const config = path.join(workDir, 'schemathesis.toml');
  await fs.writeFile(config, schemathesisConfig());
  const junit = path.join(workDir, 'junit.xml');
  const args = [
    '--config-file',
    config,
    '--no-color',
    'run',
    `${app.url}/api/v1/openapi.json`,
    '--checks',
    'all',
    '--seed',
    String(SEED),
    '--max-time',
    String(MAX_SECONDS),
    '--workers',
    '2',
    '--header',
    `Authorization: Bearer ${tenant.apiKey}`,
    '--report',
    'junit',
    '--report-junit-path',
    junit,
  ];
  const child = spawn(command, args, { cwd: workDir, env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const xml = await fs.readFile(junit, 'utf8').catch(() => '');
  const failures: Record<string, number> = {};
  for (const m of output.matchAll(/^\s*[❌🚫]\s+(ST\d+ [^:]+|[^:\n]+):\s*(\d+)\s*$/gmu)) failures[m[1]!.trim()] = Number(m[2]);
  const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
  return { exitCode, failures, errors: [...xml.matchAll(/<error[^>]*message="([^"]*)"/g)].map((m) => m[1]!), generated, output };
}

describe('the tenant API under schemathesis', () => {
  it(`when schemathesis ${SCHEMATHESIS_VERSION} runs every check against the OpenAPI document for ${MAX_SECONDS} s (seed ${SEED}), then it finds nothing, and /healthz answers 200 throughout and after`, async () => {
    const command = await schemathesisCommand();
    const health: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        health.push((await send(app.url, { method: 'GET', path: '/healthz' }, 10_000).catch(() => ({ status: 0 }))).status);
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const started = performance.now();
    const result = await runSchemathesis(command).finally(() => {
      polling = false;
    });
    await poller;
    const seconds = (performance.now() - started) / 1000;
    const errors = app.logLines.filter((l) => /"level":(50|60)/.test(l)).map((l) => l.slice(0, 2000));
    const summary = result.output.slice(result.output.lastIndexOf('SUMMARY') - 40);
    console.log(`schemathesis ${SCHEMATHESIS_VERSION}, seed ${SEED}: ${result.generated} test cases in ${seconds.toFixed(0)} s, exit ${result.exitCode}; /healthz asked ${health.length} times\n${summary}`);
    expect(health.filter((s) => s !== 200), 'answers of /healthz other than 200 during the run').toEqual([]);
    expect((await send(app.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect(errors, 'errors the app logged').toEqual([]);
    expect(result.generated, result.output.slice(-3000)).toBeGreaterThan(1000);
    expect(result.failures, result.output.slice(-20_000)).toEqual({});
    expect(result.exitCode, result.output.slice(-20_000)).toBe(0);
  }, 900_000);
});
