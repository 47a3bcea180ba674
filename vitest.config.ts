import { defineConfig } from 'vitest/config';

/**
 * Five projects: unit (pure logic, no services), workflow (time-skipping test server), integration
 * (real PostgreSQL + Temporal dev server + the app on port 0; also the browser, security and fuzz
 * folders), faults (the app under injected failures) and cluster (`npm run cluster`: self-hosted
 * Temporal, several web and worker processes).
 *
 * They run in three steps (`sequence.groupOrder`). Workflow and integration files run two at a time:
 * each file starts its own app, database and task queue, and most of their time is spent waiting on
 * servers, timers and a browser, so two of them share the machine's two cores well. Faults run one
 * at a time after them, because they kill workers, stop servers and time recoveries, and would
 * measure each other. The cluster runs last, alone. (A project without file parallelism and without
 * a group order would be run one file at a time after everything else, whatever `maxWorkers` says.)
 */
/** `npm run test:fast` (VRD_TESTS=fast) leaves out the files that drive Chromium. */
const CHROMIUM_FILES = process.env.VRD_TESTS === 'fast' ? ['test/browser/**', 'test/security/stored-xss.test.ts'] : [];
/** Long files that keep the app busy on purpose; serial with the faults so their timings hold. */
const ALONE = ['test/integration/start-shutdown.test.ts'];
const PAIRS = { fileParallelism: true, maxWorkers: 2 } as const;

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 900_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], ...PAIRS, sequence: { groupOrder: 1 }, testTimeout: 120_000, hookTimeout: 900_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/security/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          exclude: [...ALONE, ...CHROMIUM_FILES],
          globalSetup: ['test/support/global-services.ts'],
          ...PAIRS,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 900_000,
        },
      },
      {
        // Faults injected into the real app (workers killed, PostgreSQL and Temporal stopped, a full
        // disk, racing decisions), one file at a time, with services of their own run.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts', ...ALONE],
          globalSetup: ['test/support/global-services.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
          testTimeout: 180_000,
          hookTimeout: 900_000,
        },
      },
      {
        // The whole deployment (self-hosted Temporal, 2 workers, 2 web processes) on two cores: last, alone.
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 3 },
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
