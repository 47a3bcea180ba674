import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../runtime/embedded-postgres.js';
import { createLogger } from '../../runtime/logger.js';
import { startDevServer } from '../../scripts/temporal/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    temporalAddress: string;
    temporalNamespace: string;
  }
}

/** One real PostgreSQL server and one real Temporal dev server for the whole integration run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = createLogger('warn', 'test-services');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-test-'));
  await fs.chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), database: 'postgres', log });
  // A cold machine builds the Temporal CLI here (minutes): say so.
  const temporal = await startDevServer({ namespace: 'default', log: (m) => process.stderr.write(`[temporal] ${m}\n`) });
  project.provide('postgresAdminUrl', pg.url);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalNamespace', temporal.namespace);
  return async () => {
    await temporal.stop();
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
