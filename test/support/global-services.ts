import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { prepareDatabase } from '../../db/migrate.js';
import { startEmbeddedPostgres } from '../../runtime/embedded-postgres.js';
import { createLogger } from '../../runtime/logger.js';
import { startDevServer } from '../../scripts/temporal/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    /** A database migrated once, which each test app's database is copied from. */
    postgresTemplate: string;
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
  // Copying a migrated database takes a tenth of the time of migrating a new one, in every test file.
  const template = 'vrd_template';
  const admin = postgres(pg.url, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${template}`);
  await admin.end();
  await prepareDatabase(pg.url.replace(/\/[^/]*$/, `/${template}`));
  // A cold machine builds the Temporal CLI here (minutes): say so.
  const temporal = await startDevServer({ namespace: 'default', log: (m) => process.stderr.write(`[temporal] ${m}\n`) });
  project.provide('postgresAdminUrl', pg.url);
  project.provide('postgresTemplate', template);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalNamespace', temporal.namespace);
  return async () => {
    await temporal.stop();
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
