import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The command that runs one of scripts/ as its own process, as `npm run web` and `npm run worker`
 * do: built into one file by scripts/run.mjs, with source maps on so a stack names the TypeScript
 * lines. Every place that starts a web or worker process (npm start, the cluster, tests, benchmarks)
 * takes it from here.
 */
export function scriptCommand(name: string, nodeArgs: readonly string[] = []): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: ['--enable-source-maps', ...nodeArgs, path.join(ROOT, 'scripts', 'run.mjs'), name], cwd: ROOT };
}
