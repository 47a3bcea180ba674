/**
 * Finds (or builds once and caches) the self-hosted Temporal server and its SQL schema tool:
 * `go.temporal.io/server` v1.32.1, `cmd/server` and `cmd/tools/sql`, built with `go install`
 * the way the project's Makefile builds them (CGO off, tag `disable_grpc_modules`).
 *
 * Lookup order: `TEMPORAL_SERVER_PATH` + `TEMPORAL_SQL_TOOL_PATH` (both, or neither); a cached
 * build under `$XDG_CACHE_HOME/voice-review-desk/temporal-server-1.32.1/`; a build with Go into
 * that folder. No PATH lookup: the schema the tool writes must be the one this server expects.
 * The cache layout, lock and atomic rename are those of scripts/temporal/binaries.ts.
 *
 * CLI: `npx tsx scripts/cluster/build.ts` prints `server=/path` and `sql-tool=/path`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  buildOnce,
  cacheRoot,
  completedBuild,
  exeName,
  findOnPath,
  fromEnvironment,
  isExecutable,
  run,
  TemporalBinaryNotFoundError,
  type Log,
} from '../temporal/binaries.js';

export const TEMPORAL_SERVER_VERSION = '1.32.1';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
/** The Go release v1.32.1's go.mod asks for; an older toolchain cannot build it offline. */
export const REQUIRED_GO = '1.26.8';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

const defaultLog: Log = (msg) => console.error(`[temporal-server] ${msg}`);

export function serverCacheDir(): string {
  return path.join(cacheRoot(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

export async function findTemporalServer(log: Log = defaultLog): Promise<TemporalServerBinaries> {
  const server = await fromEnvironment('TEMPORAL_SERVER_PATH');
  const sqlTool = await fromEnvironment('TEMPORAL_SQL_TOOL_PATH');
  if (server && sqlTool) return { server, sqlTool };
  if (server || sqlTool) {
    throw new TemporalBinaryNotFoundError('TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH must be set together (the tool writes the schema that server expects).');
  }
  const dir = serverCacheDir();
  const cached = await cachedBuild(dir);
  if (cached) return cached;

  const go = await findOnPath('go');
  if (!go) {
    throw new TemporalBinaryNotFoundError(
      `Temporal server not found: TEMPORAL_SERVER_PATH/TEMPORAL_SQL_TOOL_PATH are not set, there is no cached build in ${dir}, ` +
        `and Go is not installed to build one (go install ${TEMPORAL_SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}, needs Go ${REQUIRED_GO}).`,
    );
  }
  await buildOnce(dir, `Temporal server ${TEMPORAL_SERVER_VERSION}`, log, async (tmpDir) => {
    await buildServer(go, tmpDir, log);
    return exeName('temporal-server');
  });
  const built = await cachedBuild(dir);
  if (!built) throw new Error(`the build in ${dir} finished without both executables`);
  return built;
}

async function cachedBuild(dir: string): Promise<TemporalServerBinaries | undefined> {
  const server = await completedBuild(dir);
  const sqlTool = path.join(dir, exeName('temporal-sql-tool'));
  return server && (await isExecutable(sqlTool)) ? { server, sqlTool } : undefined;
}

async function buildServer(go: string, tmpDir: string, log: Log): Promise<void> {
  const started = Date.now();
  log(
    `Building Temporal server v${TEMPORAL_SERVER_VERSION} and temporal-sql-tool with go install (first run only; ` +
      `about 5 minutes on 2 cores with empty Go caches, progress every 15 s)…`,
  );
  let downloads = 0;
  let compiled = 0;
  await run(
    go,
    [
      'install',
      '-v',
      '-tags',
      'disable_grpc_modules',
      '-ldflags',
      '-s -w',
      `${TEMPORAL_SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
      `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
    ],
    {
      cwd: tmpDir, // outside any module, so the caller's go.work / go.mod never interfere
      env: { ...process.env, GOBIN: tmpDir, GO111MODULE: 'on', CGO_ENABLED: '0' },
      log,
      label: 'go install (temporal server)',
      onLine: (line) => {
        if (line.startsWith('go: downloading')) downloads++;
        else if (!line.startsWith('go: ')) compiled++; // -v names each package as it is built
      },
      status: () => [downloads && `${downloads} modules downloaded`, `${compiled} packages built`].filter(Boolean).join(', '),
    },
  );
  // go install names binaries after their package folders.
  await fs.rename(path.join(tmpDir, exeName('server')), path.join(tmpDir, exeName('temporal-server')));
  await fs.rename(path.join(tmpDir, exeName('sql')), path.join(tmpDir, exeName('temporal-sql-tool')));
  const seconds = Math.round((Date.now() - started) / 1000);
  await fs.writeFile(
    path.join(tmpDir, 'build-info.json'),
    JSON.stringify({ module: `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, packages: ['cmd/server', 'cmd/tools/sql'], seconds, builtAt: new Date().toISOString() }, null, 2) + '\n',
  );
  log(`Built Temporal server v${TEMPORAL_SERVER_VERSION} and temporal-sql-tool in ${seconds} s.`);
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === pathToFileURL(realpathSync(fileURLToPath(import.meta.url))).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  findTemporalServer()
    .then((b) => console.log(`server=${b.server}\nsql-tool=${b.sqlTool}`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
