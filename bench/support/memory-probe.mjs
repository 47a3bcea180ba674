/**
 * Loaded into the memory bench's worker (`--expose-gc --import ./bench/support/memory-probe.mjs`;
 * plain JavaScript, as the SDK's workflow thread inherits the flag without tsx's loader):
 * on SIGWINCH (not SIGUSR2: the Temporal SDK shuts its worker down on that) it collects garbage twice, so what is left is what the worker really keeps, and writes
 * the process's memory to BENCH_MEMORY_PROBE_FILE; when `<that file>.snapshot` names a path, it also
 * writes a heap snapshot there. Only the bench loads it; the worker itself knows nothing of it.
 */
import fs from 'node:fs';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';

const out = process.env.BENCH_MEMORY_PROBE_FILE;
const gc = globalThis.gc;

if (out && gc && isMainThread) {
  process.on('SIGWINCH', () => {
    const t0 = performance.now();
    gc();
    gc();
    const gcMs = performance.now() - t0;
    let snapshot;
    try {
      const wanted = fs.readFileSync(`${out}.snapshot`, 'utf8').trim();
      if (wanted) {
        fs.rmSync(`${out}.snapshot`);
        snapshot = v8.writeHeapSnapshot(wanted);
      }
    } catch {
      // no snapshot asked for
    }
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    fs.writeFileSync(
      `${out}.tmp`,
      JSON.stringify({ at: Date.now(), gcMs, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, contexts: h.number_of_native_contexts, detachedContexts: h.number_of_detached_contexts, snapshot }),
    );
    fs.renameSync(`${out}.tmp`, out);
  });
}
