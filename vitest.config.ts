import { defineConfig } from 'vitest/config';

/**
 * Five projects: unit (pure logic, no services), workflow (time-skipping test server), integration
 * (real PostgreSQL + Temporal dev server + the app on port 0; also the browser, security and fuzz
 * folders), faults (the app under injected failures) and cluster (`npm run cluster`: self-hosted
 * Temporal, several web and worker processes). Projects that start servers run one file at a time:
 * the machine has two cores.
 */
/** `npm run test:fast` (VRD_TESTS=fast) leaves out the files that drive Chromium. */
const CHROMIUM_FILES = process.env.VRD_TESTS === 'fast' ? ['test/browser/**', 'test/security/stored-xss.test.ts'] : [];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 900_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 900_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/security/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          // schemathesis runs in the faults lane, beside these files, not after them.
          exclude: ['test/fuzz/schemathesis.test.ts', ...CHROMIUM_FILES],
          globalSetup: ['test/support/global-services.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
      {
        // Faults injected into the real app (workers killed, PostgreSQL and Temporal stopped, a full
        // disk, racing decisions): serial like integration, with the same shared services.
        test: {
          name: 'faults',
          // With the outside fuzzer (2 minutes of schemathesis against the tenant API): the integration
          // project is the longer of the two lanes that run side by side, so it goes in this one.
          include: ['test/faults/**/*.test.ts', 'test/fuzz/schemathesis.test.ts'],
          globalSetup: ['test/support/global-services.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 900_000,
        },
      },
      {
        // The whole deployment (self-hosted Temporal, 2 workers, 2 web processes) on two cores:
        // after every other project, alone.
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
