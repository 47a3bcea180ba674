/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`): self time by function and by package or
 * folder, as shares of the samples, so a profile of `npm run bench` can be read without DevTools.
 *
 *   npx tsx bench/support/profile-summary.ts data/bench/CPU.….cpuprofile [top]
 */
import fs from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

const fnSelf = new Map<string, number>();
const placeSelf = new Map<string, number>();
let special = new Map<string, number>();
for (const [id, n] of hits) {
  const node = byId.get(id)!;
  if (idle(node)) {
    special.set(node.callFrame.functionName, (special.get(node.callFrame.functionName) ?? 0) + n);
    continue;
  }
  const key = `${node.callFrame.functionName || '(anonymous)'}  ${node.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|work\/[^/]+)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
  fnSelf.set(key, (fnSelf.get(key) ?? 0) + n);
  const p = place(node.callFrame.url);
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
