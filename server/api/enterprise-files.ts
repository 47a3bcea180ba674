import { Router, type Request } from 'express';
import { and, eq } from 'drizzle-orm';
import { enterprises } from '../../db/schema.js';
import { currentFiles, filesOfSubject } from '../../db/stored-files.js';
import { ENTERPRISE_FILES, enterpriseQualificationKind } from '../../domain/kinds/enterprise-qualification.js';
import { CONTENT_TYPES } from '../../files/sniff.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { tenantOf } from './auth.js';
import { sendStoredFile } from './audio-files.js';
import { isSubjectId } from './ids.js';

/**
 * A tenant downloads the materials it submitted for an enterprise: the file in force of a field,
 * looked up within the tenant (another tenant's enterprise is 404, as an unknown one).
 */
export function enterpriseFileRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/enterprises/:id/files/:field', async (req: Request<{ id: string; field: string }>, res) => {
    const { id, field } = req.params;
    if (!isSubjectId(enterpriseQualificationKind.subjectPrefix, id) || !Object.hasOwn(ENTERPRISE_FILES, field)) throw notFound('enterprise file');
    const [e] = await deps.db.select({ id: enterprises.id }).from(enterprises).where(and(eq(enterprises.id, id), eq(enterprises.tenantId, tenantOf(res).id)));
    const file = e ? currentFiles(await filesOfSubject(deps.db, enterpriseQualificationKind.kind, e.id)).find((f) => f.field === field) : undefined;
    if (!file) throw notFound('enterprise file');
    res.set({
      'Content-Type': CONTENT_TYPES[file.fileType as keyof typeof CONTENT_TYPES] ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.originalName)}`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    await sendStoredFile(deps, res, file.path, file.size);
  });
  return r;
}
