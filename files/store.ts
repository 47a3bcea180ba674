import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileType } from '../domain/kinds/index.js';

/** A file received and checked, waiting for the transaction that makes it part of a submission. */
export interface StagedFile {
  field: string;
  /** The name the tenant gave it, cleaned for display only (never used as a path). */
  originalName: string;
  size: number;
  sha256: string;
  stagingPath: string;
  /** What its content is, once judged. */
  type?: FileType;
}

export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = 'FileTooLarge';
  }
}

export class StorageFull extends Error {
  constructor(
    cause: unknown,
    /** The form field whose file could not be stored, when known. */
    readonly field?: string,
  ) {
    super('no space left to store the file', { cause });
    this.name = 'StorageFull';
  }
}

/** Out of blocks or inodes (ENOSPC), or over the user's quota (EDQUOT). */
const isNoSpace = (err: unknown) => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException | undefined)?.code ?? '');

/**
 * A folder, if missing. Not `recursive` at first: Node's recursive mkdir reports a full disk
 * (ENOSPC) as ENOENT, and a full disk must be told apart from a missing parent.
 */
async function makeFolder(folder: string): Promise<void> {
  try {
    await fs.mkdir(folder, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    else if (code !== 'EEXIST') throw err;
  }
}

/** Control characters and path separators out, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.replace(/[\u0000-\u001f\u007f/\\]/g, '').trim();
  return [...base].slice(-200).join('') || 'file';
}

/**
 * Uploaded files live under one root outside any static folder: staged while a request is
 * checked, then moved to their final place when the submission commits. Files are named by a
 * random id, so nothing a tenant sends becomes part of a path.
 */
export class FileStore {
  constructor(readonly root: string) {}

  private staging = () => path.join(this.root, 'staging');

  async init(): Promise<void> {
    await fs.mkdir(this.staging(), { recursive: true, mode: 0o700 });
    await fs.mkdir(path.join(this.root, 'objects'), { recursive: true, mode: 0o700 });
  }

  /**
   * Streams an upload to the staging folder, hashing as it goes and stopping at `maxBytes`.
   * A failure (too large, disk full, aborted) leaves nothing behind.
   */
  async stage(field: string, originalName: string, source: Readable, maxBytes: number): Promise<StagedFile> {
    const stagingPath = path.join(this.staging(), randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLarge(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const written = pipeline(meter, createWriteStream(stagingPath, { flags: 'wx', mode: 0o600 }));
    // The upload is piped in rather than made part of the pipeline: a pipeline destroys its source
    // when a later stage fails (a full disk), and a multipart parser whose part stream is destroyed
    // stops reading the request, which then hangs. Unpiped and drained instead, the rest of the
    // request is read and the refusal is answered.
    const onSourceError = (err: Error) => meter.destroy(err);
    source.once('error', onSourceError);
    source.pipe(meter);
    try {
      await written;
    } catch (err) {
      source.unpipe(meter);
      source.resume();
      await fs.rm(stagingPath, { force: true });
      if (isNoSpace(err)) throw new StorageFull(err, field);
      throw err;
    } finally {
      // The upload is let go of (kept, refused or being drained), but its stream may still end in an
      // error (the request cut off behind it): that request's own answer says why, so it is only
      // listened for, never left to end the process.
      source.off('error', onSourceError);
      source.on('error', () => undefined);
    }
    return { field, originalName: cleanFileName(originalName), size, sha256: hash.digest('hex'), stagingPath };
  }

  /**
   * Moves a staged file to its permanent place; returns the path relative to the root. The move
   * takes no space, but a new folder for it does (a block, an inode): a full disk fails here too.
   */
  async keep(file: StagedFile, id: string): Promise<string> {
    const relative = path.join('objects', id.slice(0, 2), id);
    try {
      await makeFolder(path.join(this.root, 'objects', id.slice(0, 2)));
      await fs.rename(file.stagingPath, path.join(this.root, relative));
    } catch (err) {
      if (isNoSpace(err)) throw new StorageFull(err, file.field);
      throw err;
    }
    return relative;
  }

  /** Removes kept files whose submission did not commit. */
  async forget(relativePaths: string[]): Promise<void> {
    await Promise.all(relativePaths.map((p) => fs.rm(this.resolve(p), { force: true })));
  }

  async discard(files: Iterable<StagedFile>): Promise<void> {
    await Promise.all([...files].map((f) => fs.rm(f.stagingPath, { force: true })));
  }

  /** The absolute path of a kept file; refuses anything that would leave the root. */
  resolve(relative: string): string {
    const full = path.resolve(this.root, relative);
    if (!full.startsWith(path.resolve(this.root, 'objects') + path.sep)) throw new Error('file path outside the store');
    return full;
  }

  read(relative: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.resolve(relative), range);
  }

  /** Staged files older than an hour belong to requests that died: removed at start-up. */
  async sweepStaging(olderThanMs = 3600_000): Promise<number> {
    let removed = 0;
    for (const name of await fs.readdir(this.staging()).catch(() => [])) {
      const full = path.join(this.staging(), name);
      const stat = await fs.stat(full).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > olderThanMs) {
        await fs.rm(full, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
