/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`): self time by function and by package or
 * folder, as shares of the samples, so a profile of `npm run bench` can be read without DevTools.
 *
 *   npx tsx bench/support/profile-summary.ts data/bench/CPU.….cpuprofile [top]
 */
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(process.argv[3] ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; startTime: number; endTime: number };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const hits = new Map<number, number>();
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const total = profile.samples.length;
const idle = (n: Node) => n.callFrame.functionName === '(idle)' || n.callFrame.functionName === '(program)' || n.callFrame.functionName === '(garbage collector)';

/** Where a frame's code lives: a package, the app's folder, or Node itself. */
function place(url: string): string {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const app = /voice-review-desk|\/work\/[^/]+\/([^/]+)\//.exec(url);
  return app?.[1] ? `app ${app[1]}/` : url.split('/').slice(-2, -1)[0] ?? url;
}

/**
 * A process started by scripts/run.mjs runs one built file, and V8 profiles name its lines. Each such
 * frame is read through the file's source map, so it is named by its TypeScript file as under tsx.
 */
const maps = new Map<string, SourceMap | undefined>();
function original(frame: Node['callFrame']): { url: string; line: number } {
  if (!/\/\.build\/[^/]+\.mjs$/.test(frame.url)) return { url: frame.url, line: frame.lineNumber };
  if (!maps.has(frame.url)) {
    const payload = (() => {
      try {
        return JSON.parse(fs.readFileSync(`${fileURLToPath(frame.url)}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0];
      } catch {
        return undefined;
      }
    })();
    maps.set(frame.url, payload ? new SourceMap(payload) : undefined);
  }
  const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (!entry?.originalSource) return { url: frame.url, line: frame.lineNumber };
  const source = entry.originalSource.startsWith('file:') ? entry.originalSource : new URL(entry.originalSource, frame.url).href;
  return { url: source, line: entry.originalLine ?? frame.lineNumber };
}

const fnSelf = new Map<string, number>();
const placeSelf = new Map<string, number>();
let special = new Map<string, number>();
for (const [id, n] of hits) {
  const node = byId.get(id)!;
  if (idle(node)) {
    special.set(node.callFrame.functionName, (special.get(node.callFrame.functionName) ?? 0) + n);
    continue;
  }
  const at = original(node.callFrame);
  const key = `${node.callFrame.functionName || '(anonymous)'}  ${at.url.replace(/^file:\/\/.*?\/(node_modules|work\/[^/]+)\//, '$1/')}:${at.line + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + n);
  const p = place(at.url);
  placeSelf.set(p, (placeSelf.get(p) ?? 0) + n);
}
const pct = (n: number) => `${((n / total) * 100).toFixed(1).padStart(5)} %`;
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(`${file}: ${total} samples over ${seconds.toFixed(1)} s; ${[...special].map(([k, v]) => `${k} ${pct(v).trim()}`).join(', ')}`);
console.log('\nself time by package or folder');
for (const [k, v] of [...placeSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
console.log('\nself time by function');
for (const [k, v] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
special = new Map();
