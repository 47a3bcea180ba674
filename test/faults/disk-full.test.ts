import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { enterprises, reviews, storedFiles } from '../../db/schema.js';
import { wavFile } from '../support/audio.js';
import { isErrorShape, timedApi } from '../support/faults.js';
import { form, jpgFile } from '../support/files.js';
import { enterpriseFields } from '../support/kinds.js';
import { startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

/**
 * A disk that fills during an upload, for real: FILES_DIR is a 4 MB tmpfs mounted for this file
 * (which needs root, as CI has), filled with ballast to the point each case needs.
 */
const run = promisify(execFile);
let dir: string;
let filesDir: string;
let mounted = false;
let app: TestApp;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the disk-full test mounts a tmpfs and needs root (CI runs as root)');
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vrd-fault-disk-'));
  filesDir = path.join(dir, 'files');
  await fs.mkdir(filesDir);
  await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,nr_inodes=64,mode=0700', 'tmpfs', filesDir]);
  mounted = true;
  app = await startTestApp({ filesDir });
});

afterAll(async () => {
  await app?.stop();
  if (mounted) await run('umount', [filesDir]).catch(() => run('umount', ['-l', filesDir]));
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const ballast = () => path.join(filesDir, 'ballast');

async function free(): Promise<{ bytes: number; inodes: number }> {
  const s = await fs.statfs(filesDir);
  return { bytes: s.bavail * s.bsize, inodes: s.ffree };
}

/** Fills the disk until `bytes` are left. */
async function leaveBytes(bytes: number): Promise<void> {
  await fs.rm(ballast(), { force: true });
  await fs.writeFile(ballast(), Buffer.alloc(Math.max(0, (await free()).bytes - bytes)));
}

/** Takes inodes with empty files until `inodes` are left. */
async function leaveInodes(inodes: number): Promise<void> {
  await fs.mkdir(path.join(filesDir, 'inode-ballast'), { recursive: true });
  for (let i = 0, n = (await free()).inodes - inodes; i < n; i++) await fs.writeFile(path.join(filesDir, 'inode-ballast', String(i)), '');
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(filesDir, folder), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Nothing of a refused upload anywhere: no staged or kept file, no file row, no review. */
async function traces(tenant: TestTenant) {
  return {
    staged: await filesUnder('staging'),
    kept: await filesUnder('objects'),
    fileRows: (await app.database.db.select().from(storedFiles).where(eq(storedFiles.tenantId, tenant.tenant.id))).length,
    reviews: (await app.database.db.select().from(reviews).where(eq(reviews.tenantId, tenant.tenant.id))).length,
  };
}

const noTraces = { staged: [], kept: [], fileRows: 0, reviews: 0 };

/** A valid 1 MB recording: 16 kHz, mono, 16-bit, 32 s. */
const recording = () => form({ name: '取件提示音', description: '快递到达提示' }, { file: { name: 'notice.wav', content: wavFile({ sampleRate: 16_000, seconds: 32 }) } });

/** An enterprise form whose four photos are 400 KB each. */
const heavyEnterpriseForm = () =>
  form(enterpriseFields(), {
    license: { name: 'license.jpg', content: jpgFile({ hue: 10, padTo: 400_000 }) },
    handlerIdFront: { name: 'id-front.jpg', content: jpgFile({ hue: 60, padTo: 400_000 }) },
    handlerIdBack: { name: 'id-back.jpg', content: jpgFile({ hue: 120, padTo: 400_000 }) },
    handlerWithId: { name: 'holding.jpg', content: jpgFile({ hue: 200, padTo: 400_000 }) },
  });

describe('the disk holding uploads fills up', () => {
  it('when the disk fills while an audio file streams in, then 507 storage_full naming the field and nothing is left; with space again the same upload is accepted', async () => {
    const tenant = await app.addTenant();
    await leaveBytes(256 * 1024);
    const res = await timedApi(app, tenant, 'POST', '/audio-files', recording(), { 'accept-language': 'en' });
    expect(res.status).toBe(507);
    expect(isErrorShape(res.body, 'storage_full')).toBe(true);
    expect(res.body.error.details).toEqual([{ path: 'file', message: 'not stored' }]);
    expect(await traces(tenant)).toEqual(noTraces);
    // The partly written file is gone: the space it took is free again.
    expect((await free()).bytes).toBeGreaterThanOrEqual(200 * 1024);

    await fs.rm(ballast());
    const again = await timedApi(app, tenant, 'POST', '/audio-files', recording());
    expect(again.status).toBe(201);
    expect(await traces(tenant)).toMatchObject({ staged: [], fileRows: 1, reviews: 1 });
    expect((await traces(tenant)).kept).toHaveLength(1);
  });

  it('when the disk fills at the third photo of an enterprise form, then 507 names that field and the photos already staged are removed too', async () => {
    const tenant = await app.addTenant();
    const keptBefore = await filesUnder('objects');
    await leaveBytes(1000 * 1024);
    const res = await timedApi(app, tenant, 'POST', '/enterprises', heavyEnterpriseForm(), { 'accept-language': 'en' });
    expect(res.status).toBe(507);
    expect(isErrorShape(res.body, 'storage_full')).toBe(true);
    expect(res.body.error.details).toEqual([{ path: 'handlerIdBack', message: 'not stored' }]);
    expect({ ...(await traces(tenant)), kept: await filesUnder('objects') }).toEqual({ ...noTraces, kept: keptBefore });
    expect(await app.database.db.select().from(enterprises).where(eq(enterprises.tenantId, tenant.tenant.id))).toEqual([]);
    await fs.rm(ballast());
  });

  it('when every photo is staged but no inode is left for the folders they are kept in, then 507 too and the photos already kept are removed (not a 500 and an orphan file)', async () => {
    const tenant = await app.addTenant();
    const keptBefore = await filesUnder('objects');
    // Four inodes for the four staged photos and one for one new folder: the next folder fails.
    await leaveInodes(5);
    try {
      const res = await timedApi(app, tenant, 'POST', '/enterprises', heavyEnterpriseForm());
      expect(res.status).toBe(507);
      expect(isErrorShape(res.body, 'storage_full')).toBe(true);
      expect({ ...(await traces(tenant)), kept: await filesUnder('objects') }).toEqual({ ...noTraces, kept: keptBefore });
    } finally {
      await fs.rm(path.join(filesDir, 'inode-ballast'), { recursive: true, force: true });
    }
    // With inodes again, the same form goes through.
    const again = await timedApi(app, tenant, 'POST', '/enterprises', heavyEnterpriseForm());
    expect(again.status).toBe(201);
    expect(await traces(tenant)).toMatchObject({ staged: [], fileRows: 4, reviews: 1 });
  });
});
