import { defineConfig } from 'vitest/config';

/**
 * Seven projects: unit (pure logic, no services), workflow (time-skipping test server),
 * integration-isolated and integration-shared (real PostgreSQL + Temporal dev server + the app on
 * port 0; also the browser, security and fuzz folders), faults and faults-timed (the app under injected failures) and
 * cluster (`npm run cluster`: self-hosted Temporal, several web and worker processes).
 *
 * After the unit files they run in four steps (`sequence.groupOrder`). Workflow and integration files run two at a time:
 * each file starts its own app, database and task queue, and most of their time is spent waiting on
 * servers, timers and a browser, so two of them share the machine's two cores well. Then the faults:
 * the worker kills (two minutes, waiting on worker starts more than using the CPU) beside the fault
 * files that assert no time bound, two at a time; then the two that time a recovery against a bound
 * (`faults-timed`), one at a time, so nothing beside them moves their figures. The cluster runs last,
 * alone. Each fault file stops and starts only servers of its own, never the shared ones. (A project
 * without file parallelism and without a group order would be run one file at a time after
 * everything else, whatever `maxWorkers` says.)
 */
/** `npm run test:fast` (VRD_TESTS=fast) leaves out the files that drive Chromium. */
const CHROMIUM_FILES = process.env.VRD_TESTS === 'fast' ? ['test/browser/**', 'test/security/stored-xss.test.ts'] : [];
/** Files that time a recovery or an answer against a bound: one at a time, with nothing beside them. */
const TIMED = ['test/integration/start-shutdown.test.ts', 'test/faults/temporal-outage.test.ts'];
const PAIRS = { fileParallelism: true, maxWorkers: 2 } as const;
/**
 * Files that read the app's captured log lines or the Temporal SDK's metrics. The SDK's runtime, which
 * routes its log lines to a logger and serves its metrics, is made once per process, for the first app
 * started there: these files each need a process of their own. So does the worker crash, whose
 * decision must go through within the 15 s a decision waits for its round, 10 s of them Temporal's:
 * in a process that had run other files it once took longer. The other integration files share their
 * worker processes, and with them one import of the app.
 */
const OWN_PROCESS = [
  'test/integration/metrics.test.ts',
  'test/integration/worker-crash.test.ts',
  'test/integration/apps.test.ts',
  'test/integration/enterprise-qualification.test.ts',
  'test/security/secrets-in-logs.test.ts',
  'test/fuzz/back-office.test.ts',
  'test/fuzz/tenant-api.test.ts',
  'test/fuzz/schemathesis.test.ts',
];
/** Files that start the real app against the run's shared PostgreSQL and Temporal dev server. */
const WITH_APP = { globalSetup: ['test/support/global-services.ts'], testTimeout: 180_000, hookTimeout: 900_000 };

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
          name: 'integration-shared',
          include: ['test/integration/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/security/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          exclude: [...TIMED, ...CHROMIUM_FILES, ...OWN_PROCESS],
          ...WITH_APP,
          ...PAIRS,
          // Each worker process imports the app once for all the files it runs, not once per file.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      // Before the shared files (vitest runs a group's projects by name): the long fuzzers are among these.
      { test: { name: 'integration-isolated', include: OWN_PROCESS, exclude: CHROMIUM_FILES, ...WITH_APP, ...PAIRS, sequence: { groupOrder: 1 } } },
      {
        // Faults injected into the real app (workers killed, PostgreSQL stopped, a full disk, racing
        // decisions), two files at a time, each with servers of its own where it stops one.
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          exclude: TIMED,
          ...WITH_APP,
          ...PAIRS,
          sequence: { groupOrder: 2 },
        },
      },
      {
        // Temporal stopped, and `npm start` stopped and killed: recoveries timed against bounds, alone.
        test: {
          name: 'faults-timed',
          include: TIMED,
          ...WITH_APP,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 3 },
        },
      },
      {
        // The whole deployment (self-hosted Temporal, 2 workers, 2 web processes) on two cores: last, alone.
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 4 },
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
