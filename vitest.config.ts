import { defineConfig } from 'vitest/config';

/**
 * Five projects: unit (pure logic, no services), workflow (time-skipping test server), integration
 * (real PostgreSQL + Temporal dev server + the app on port 0; also the browser, security and fuzz
 * folders), faults (the app under injected failures) and cluster (`npm run cluster`: self-hosted
 * Temporal, several web and worker processes). Projects that start servers run one file at a time:
 * the machine has two cores.
 */
/** `npm run test:fast` (VRD_TESTS=fast) leaves out the files that drive Chromium. */
/**
 * Integration and faults run side by side, one file at a time each; these long files of the
 * integration kind run in the faults lane so the two lanes end together (the outside fuzzer alone is
 * two minutes). Measured per file in docs/testing.md.
 */
const SECOND_LANE = ['test/fuzz/schemathesis.test.ts', 'test/fuzz/tenant-api.test.ts', 'test/integration/start-shutdown.test.ts', 'test/security/probe-findings.test.ts'];
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
          exclude: [...SECOND_LANE, ...CHROMIUM_FILES],
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
          include: ['test/faults/**/*.test.ts', ...SECOND_LANE],
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
