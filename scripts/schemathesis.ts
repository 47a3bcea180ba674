/**
 * schemathesis, the outside fuzzer of the tenant API's OpenAPI document (test/fuzz/schemathesis.test.ts),
 * from PyPI at one pinned version, in a virtual environment under the user's cache folder so a
 * second run finds it at once. `npx tsx scripts/schemathesis.ts` installs it (what .ci/run does).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMATHESIS_VERSION = '4.32.5';

const cacheDir = () => path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'voice-review-desk');
const venv = () => path.join(cacheDir(), `schemathesis-${SCHEMATHESIS_VERSION}-python3.12+`);
const binary = () => path.join(venv(), 'bin', 'schemathesis');

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err) => resolve({ code: -1, output: err.message }));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The schemathesis to run: SCHEMATHESIS_BIN, or the pinned one in the cache; an error saying how to install it otherwise. */
export async function findSchemathesis(): Promise<string> {
  const candidate = process.env.SCHEMATHESIS_BIN ?? binary();
  const version = await run(candidate, ['--version']);
  if (version.code === 0 && version.output.includes(SCHEMATHESIS_VERSION)) return candidate;
  throw new Error(
    `schemathesis ${SCHEMATHESIS_VERSION} is not installed at ${candidate} (${version.code === 0 ? version.output.trim() : 'not found'}). ` +
      'Install it with `npx tsx scripts/schemathesis.ts` (what .ci/run does; needs python3 with venv and PyPI), or point SCHEMATHESIS_BIN at one of that version.',
  );
}

/**
 * The newest Python of 3.12 or later found (on PATH or under pyenv), python3 only without one: older
 * interpreters can end schemathesis's threaded run with an error of their own (docs/testing.md).
 */
async function choosePython(): Promise<string> {
  const pyenv = path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions');
  const installed = await fs.readdir(pyenv).catch(() => [] as string[]);
  const candidates = [
    'python3.14',
    'python3.13',
    'python3.12',
    ...installed.filter((v) => /^3\.\d+\.\d+$/.test(v)).sort((a, b) => b.localeCompare(a, 'en', { numeric: true })).map((v) => path.join(pyenv, v, 'bin', 'python3')),
  ];
  for (const candidate of candidates) {
    const found = await run(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])']);
    const [major, minor] = found.output.trim().split('.').map(Number);
    if (found.code === 0 && major === 3 && minor! >= 12) return candidate;
  }
  return 'python3';
}

/** Creates the virtual environment and installs the pinned version, unless it is there already. */
export async function installSchemathesis(log: (line: string) => void): Promise<string> {
  try {
    return await findSchemathesis();
  } catch {
    // not there yet
  }
  const python = process.env.PYTHON ?? (await choosePython());
  log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv()}`);
  await fs.rm(venv(), { recursive: true, force: true });
  await fs.mkdir(path.dirname(venv()), { recursive: true });
  const created = await run(python, ['-m', 'venv', venv()]);
  if (created.code !== 0) throw new Error(`${python} -m venv failed:\n${created.output}`);
  const installed = await run(path.join(venv(), 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]);
  if (installed.code !== 0) throw new Error(`pip install schemathesis==${SCHEMATHESIS_VERSION} failed:\n${installed.output}`);
  return findSchemathesis();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installSchemathesis((line) => process.stdout.write(`${line}\n`)).then(
    (bin) => process.stdout.write(`schemathesis ${SCHEMATHESIS_VERSION}: ${bin}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
