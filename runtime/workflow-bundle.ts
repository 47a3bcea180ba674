import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE, workflowsPath } from '../activities/worker.js';
import type { Logger } from './logger.js';

/** The app's root: where package-lock.json and the source folders are. */
const root = path.resolve(path.dirname(workflowsPath), '..');

/**
 * Bundling the workflow code costs about a second of CPU at every worker start (a third of it).
 * The bundle is kept in `cacheDir` under a digest of everything it could contain: every
 * TypeScript file of the app and the locked dependencies. A restart with the same code loads
 * it; any change to the code bundles anew, so a stale bundle is never run. When the folder
 * cannot be written, the bundle is still made, just not kept.
 */
export async function cachedWorkflowBundle(cacheDir: string, skip: string[], log: Logger): Promise<{ code: string }> {
  const digest = await sourceDigest(skip.map((p) => path.resolve(p)));
  const file = path.join(cacheDir, `workflows-${digest}.js`);
  const cached = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (cached) return { code: cached };
  const { code } = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE, logger: undefined });
  try {
    await fs.mkdir(cacheDir, { recursive: true, mode: 0o700 });
    // Written aside and renamed: a worker starting alongside reads a whole bundle or none.
    const partial = `${file}.${process.pid}.tmp`;
    await fs.writeFile(partial, code, { mode: 0o600 });
    await fs.rename(partial, file);
    for (const name of await fs.readdir(cacheDir)) {
      if (name !== path.basename(file) && /^workflows-[0-9a-f]{64}\.js$/.test(name)) await fs.rm(path.join(cacheDir, name), { force: true });
    }
  } catch (err) {
    log.warn({ err, cacheDir }, 'could not keep the workflow bundle; the next start bundles again');
  }
  return { code };
}

/** sha256 over package-lock.json and every .ts file under the root (its path and content), in a fixed order. */
async function sourceDigest(skip: string[]): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.') || skip.includes(full)) continue;
        await walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.ts')) {
        files.push(full);
      }
    }
  };
  await walk(root);
  files.sort();
  const hash = createHash('sha256');
  hash.update(await fs.readFile(path.join(root, 'package-lock.json')).catch(() => Buffer.alloc(0)));
  for (const f of files) {
    hash.update(`\0${path.relative(root, f)}\0`);
    hash.update(await fs.readFile(f));
  }
  return hash.digest('hex');
}
