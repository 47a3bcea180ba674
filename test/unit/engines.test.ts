import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The few semver calls used here; the package ships no types and is not a direct dependency. */
interface Semver {
  validRange(range: string): string | null;
  subset(sub: string, dom: string): boolean;
  satisfies(version: string, range: string): boolean;
}
// Installed for npm's own tooling and several dependencies; resolved from the project like any package.
const semver = createRequire(import.meta.url)('semver') as Semver;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const manifest = readJson('package.json') as { engines: { node: string } };
const lock = readJson('package-lock.json') as { packages: Record<string, { engines?: unknown; optional?: boolean }> };

/** Every locked package (dependencies, dev tooling, optional platform builds) that states a Node range. */
function lockedNodeRanges(): { name: string; range: string }[] {
  const found: { name: string; range: string }[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '') continue;
    const engines = entry.engines;
    // A few old packages declare engines as an array of strings; npm ignores those.
    if (!engines || typeof engines !== 'object' || Array.isArray(engines)) continue;
    const node = (engines as { node?: unknown }).node;
    if (typeof node === 'string') found.push({ name: key.replace(/^(.*\/)?node_modules\//, ''), range: node });
  }
  return found;
}

describe('engines.node', () => {
  it('when package.json states the Node range, then package-lock.json records the same range', () => {
    expect(lock.packages['']?.engines).toEqual(manifest.engines);
  });

  it('when the lock file is read, then the project range lies within every locked package range', () => {
    const ours = manifest.engines.node;
    expect(semver.validRange(ours), ours).not.toBeNull();
    const ranges = lockedNodeRanges();
    expect(ranges.length).toBeGreaterThan(100);
    const outside = ranges.filter(({ range }) => semver.validRange(range) !== null && !semver.subset(ours, range));
    expect(outside, `engines.node "${ours}" allows Node versions these packages do not support`).toEqual([]);
    // Unparseable ranges would hide a conflict: there must be none.
    expect(ranges.filter(({ range }) => semver.validRange(range) === null)).toEqual([]);
  });

  it('when the range is checked against releases just below it, then it is the narrowest truthful one', () => {
    const ours = manifest.engines.node;
    // Each of these is refused by at least one locked package, so a wider range would be a lie.
    for (const version of ['20.18.3', '21.7.3', '22.12.0', '23.11.1']) {
      expect(semver.satisfies(version, ours), version).toBe(false);
      expect(lockedNodeRanges().some(({ range }) => !semver.satisfies(version, range)), version).toBe(true);
    }
    for (const version of ['20.19.0', '22.13.0', '24.0.0']) expect(semver.satisfies(version, ours), version).toBe(true);
  });

  it('when this machine runs the tests, then its Node satisfies the range', () => {
    expect(semver.satisfies(process.versions.node, manifest.engines.node), process.versions.node).toBe(true);
  });
});
