import { defineConfig } from 'vitest/config';

/**
 * Four suites: unit (pure domain), workflow (time-skipping test server), integration (real
 * Postgres + Temporal dev server + the app on port 0) and browser (Chromium against that app).
 * Suites that start servers run one file at a time: the machine has two cores.
 */
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
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'],
          globalSetup: ['test/support/global-services.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
