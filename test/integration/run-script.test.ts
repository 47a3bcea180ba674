import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * scripts/run.mjs, through which npm start, npm run web and npm run worker run their script: built
 * into one file under .build/, named by its content, and run with the script's own arguments.
 */
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const runMjs = path.join(root, 'scripts', 'run.mjs');

describe('running a script built into one file', () => {
  it('when the web and worker scripts are built twice, then both runs name the same files under .build, and each file has its source map beside it', async () => {
    const first = await run(process.execPath, [runMjs, '--build', 'web', 'worker'], { cwd: root });
    const files = first.stdout.trim().split('\n');
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\.build\/web-[0-9a-f]{16}\.mjs$/);
    expect(files[1]).toMatch(/^\.build\/worker-[0-9a-f]{16}\.mjs$/);
    for (const f of files) {
      const code = await fs.readFile(path.join(root, f), 'utf8');
      expect(code.trimEnd().endsWith(`//# sourceMappingURL=${path.basename(f)}.map`)).toBe(true);
      const map = JSON.parse(await fs.readFile(path.join(root, `${f}.map`), 'utf8')) as { sources: string[] };
      expect(map.sources).toContain(`../scripts/${path.basename(f).split('-')[0]}.ts`);
    }
    const again = await run(process.execPath, [runMjs, '--build', 'web', 'worker'], { cwd: root });
    expect(again.stdout.trim().split('\n')).toEqual(files);
  });

  it('when the worker is run through it without its services, then the worker itself answers: exit status 2 and what it needs', async () => {
    const refused = await run(process.execPath, ['--enable-source-maps', runMjs, 'worker'], { cwd: root, env: { ...process.env, DATABASE_URL: '', TEMPORAL_ADDRESS: '' } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('npm run worker needs DATABASE_URL and TEMPORAL_ADDRESS');
  });

  it('when the name is missing or leaves scripts/, then it exits with 2 and says how it is used', async () => {
    for (const args of [[], ['../package'], ['--build']]) {
      const err = await run(process.execPath, [runMjs, ...args], { cwd: root }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect([args, err.code]).toEqual([args, 2]);
      expect(err.stderr).toContain('usage: node scripts/run.mjs');
    }
  });
});
