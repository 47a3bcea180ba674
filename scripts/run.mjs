// `node scripts/run.mjs <name>` runs scripts/<name>.ts as one JavaScript file built by esbuild.
//
// Why not tsx: under tsx every module the process loads goes through its loader hooks, and a worker
// spent about half of its start there (4.5 s of CPU against 2.3 s as one file, measured on the
// 2-core machine). A worker that is restarted after a crash, and every worker a test or benchmark
// starts, pays that each time. The build itself takes a few tens of milliseconds, so it runs on
// every start and the code run is always the code in the tree. Packages stay outside the file and
// are loaded by Node as usual.
//
// The file is written one folder below the root, as every source module is, so a path a module
// computes from its own address (the migrations, the workflow sources, the static assets) comes out
// the same. Its name carries a digest of its content: processes started at the same moment write the
// same file, and one built from other code never replaces a file another process is running.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.build');
/** Builds of other code are removed once this old: long enough for any process still starting from one. */
const STALE_MS = 60 * 60 * 1000;

const USAGE = 'usage: node scripts/run.mjs <script under scripts/, without .ts> [its arguments]\n       node scripts/run.mjs --build <script>... (writes the files and exits, for an image whose folder is read-only at run time)\n';
const named = (name) => typeof name === 'string' && /^[a-z][a-z0-9/-]*$/.test(name);

if (process.argv[2] === '--build') {
  const names = process.argv.slice(3);
  if (names.length === 0 || !names.every(named)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  for (const name of names) process.stdout.write(`${path.relative(root, await built(name))}\n`);
} else {
  const name = process.argv[2];
  if (!named(name)) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const file = await built(name);
  // The script sees its own arguments where it would under tsx.
  process.argv.splice(2, 1);
  await import(pathToFileURL(file).href);
}

/** scripts/<name>.ts as one file under .build/, written unless the same content is already there. */
async function built(name) {
  const result = await build({
    entryPoints: [path.join(root, 'scripts', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    outdir: outDir,
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.js.map'));
  const base = `${name.replaceAll('/', '-')}-${createHash('sha256').update(code.contents).digest('hex').slice(0, 16)}`;
  const file = path.join(outDir, `${base}.mjs`);

  await mkdir(outDir, { recursive: true });
  if (!(await stat(file).catch(() => undefined))) {
    const source = Buffer.from(code.text.replace(/\/\/# sourceMappingURL=.*\n?$/, `//# sourceMappingURL=${base}.mjs.map\n`));
    // Written aside and renamed, so a process starting beside this one never reads half a file.
    const part = `.${process.pid}.part`;
    await writeFile(`${file}.map${part}`, map.contents);
    await rename(`${file}.map${part}`, `${file}.map`);
    await writeFile(`${file}${part}`, source);
    await rename(`${file}${part}`, file);
  }
  const now = Date.now();
  for (const entry of await readdir(outDir)) {
    if (!entry.startsWith(`${name.replaceAll('/', '-')}-`) || entry.startsWith(base)) continue;
    const other = path.join(outDir, entry);
    const info = await stat(other).catch(() => undefined);
    // Best effort: a folder mounted read-only keeps what it has.
    if (info && now - info.mtimeMs > STALE_MS) await rm(other, { force: true }).catch(() => undefined);
  }
  return file;
}
