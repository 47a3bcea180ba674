import v8 from 'node:v8';
import vm from 'node:vm';
import { send, type RawAnswer } from './http.js';

// A full collection before each sample, so growth means memory still held, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Runs the tasks with at most `concurrency` in flight, in order of the list. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** The app answers its health check and its memory is sampled: what is checked between batches. */
export async function checkpoint(baseUrl: string): Promise<{ health: RawAnswer; rssMb: number; heapMb: number }> {
  const health = await send(baseUrl, { method: 'GET', path: '/healthz' }, 15_000);
  collectGarbage();
  const m = process.memoryUsage();
  return { health, rssMb: m.rss / 1024 / 1024, heapMb: m.heapUsed / 1024 / 1024 };
}

/** Status → count, printed as `201×12 400×3 …`. */
export class Tally {
  private counts = new Map<string, number>();

  add(key: string | number): void {
    this.counts.set(String(key), (this.counts.get(String(key)) ?? 0) + 1);
  }

  get(key: string | number): number {
    return this.counts.get(String(key)) ?? 0;
  }

  entries(): [string, number][] {
    return [...this.counts].sort(([a], [b]) => a.localeCompare(b));
  }

  toString(): string {
    return this.entries()
      .map(([k, n]) => `${k}×${n}`)
      .join(' ');
  }
}
