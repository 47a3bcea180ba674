import { Router, type Request, type Response } from 'express';
import { filesOfSubject } from '../../db/stored-files.js';
import { audioOf, findTenantAudioFile } from '../../db/subjects/audio-file.js';
import { audioFileKind } from '../../domain/kinds/audio-file.js';
import type { FileType } from '../../domain/kinds/index.js';
import { CONTENT_TYPES } from '../../files/sniff.js';
import { contentDisposition } from '../../files/download-name.js';
import type { AppDeps } from '../deps.js';
import { keyedError, notFound, say } from '../errors.js';
import { tenantOf } from './auth.js';
import { isSubjectId } from './ids.js';


/**
 * A tenant downloads its own recording: looked up by the audio file's id within the tenant (never
 * by a path), gone once deleted, with range requests so a player can seek.
 */
export function audioFileRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/audio-files/:id/file', async (req: Request<{ id: string }>, res) => {
    if (!isSubjectId(audioFileKind.subjectPrefix, req.params.id)) throw notFound('audio file');
    const audio = await findTenantAudioFile(deps.db, tenantOf(res).id, req.params.id);
    const file = audio ? audioOf(await filesOfSubject(deps.db, audioFileKind.kind, audio.id)) : undefined;
    if (!file) throw notFound('audio file');
    res.set({
      'Content-Type': CONTENT_TYPES.wav,
      'Content-Disposition': contentDisposition('attachment', file.originalName, file.fileType as FileType),
    });
    await sendStoredFile(deps, res, file.path, file.size);
  });
  return r;
}

/** Sends a kept file with range support; a range outside the file is 416, a missing file 404. */
export function sendStoredFile(deps: Pick<AppDeps, 'files'>, res: Response, path: string, size: number): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    res.sendFile(deps.files.resolve(path), { acceptRanges: true, lastModified: false, etag: false, headers: {} }, (err) => {
      if (!err || res.headersSent) return resolve();
      const status = (err as { status?: number }).status;
      if (status === 416) {
        reject(keyedError(416, 'range_not_satisfiable', say('api.rangeNotSatisfiable', { size }), [{ path: 'Range', say: say('api.rangeOutside', { last: size - 1 }) }], { 'Content-Range': `bytes */${size}` }));
      } else reject(notFound('file'));
    }),
  );
}
