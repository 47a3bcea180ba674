import { Router, type Request } from 'express';
import { findStoredFile } from '../../db/stored-files.js';
import type { FileType } from '../../domain/kinds/index.js';
import { CONTENT_TYPES } from '../../files/sniff.js';
import { contentDisposition } from '../../files/download-name.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { sendStoredFile } from '../api/audio-files.js';
import { ALL_STAFF, requireRole } from './session.js';
import { UUID } from '../../domain/ids.js';

const INLINE: FileType[] = ['jpg', 'png', 'wav'];

/**
 * Submitted files, for staff only: looked up by id (never by a path from the request), sent with
 * the type their content was judged to be and under a name with that type's extension, and with
 * range requests so audio can be scrubbed.
 */
export function filesRouter(deps: AppDeps): Router {
  const r = Router();
  r.get('/files/:id', requireRole(...ALL_STAFF), async (req: Request<{ id: string }>, res) => {
    if (!UUID.test(req.params.id)) throw notFound('file');
    const file = await findStoredFile(deps.db, req.params.id);
    if (!file) throw notFound('file');
    const type = file.fileType as FileType;
    const disposition = INLINE.includes(type) ? 'inline' : 'attachment';
    res.set({
      'Content-Type': CONTENT_TYPES[type] ?? 'application/octet-stream',
      'Content-Disposition': contentDisposition(disposition, file.originalName, type),
      'Cache-Control': 'private, no-store',
    });
    await sendStoredFile(deps, res, file.path, file.size);
  });
  return r;
}
