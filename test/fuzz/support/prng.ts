import { randomInt } from 'node:crypto';

/**
 * A small seeded generator (mulberry32): the same seed gives the same requests, so a failure
 * found on one run is replayed with `FUZZ_SEED=<seed>`. Without the variable each run picks a
 * fresh seed and prints it, so CI keeps exploring.
 */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new Error('pick from an empty list');
    return list[this.int(0, list.length - 1)]!;
  }

  /** One of the entries, each as likely as its weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((n, [w]) => n + w, 0);
    let at = this.next() * total;
    for (const [w, value] of entries) {
      if ((at -= w) < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }

  /** A child generator whose sequence depends only on this one's seed and the label. */
  fork(label: string): Prng {
    let h = this.seed ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Prng(h >>> 0);
  }
}

/** FUZZ_SEED when set (a number), else a fresh one. */
export function fuzzSeed(env: string | undefined = process.env.FUZZ_SEED): number {
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`FUZZ_SEED must be an integer from 0 to 4294967295, not ${JSON.stringify(env)}`);
    return n;
  }
  return randomInt(0, 0xffffffff);
}
