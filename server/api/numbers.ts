import { Router, type Request } from 'express';
import { excel } from '../../files/exceljs.js';
import { z } from 'zod';
import { listTenantNumbers } from '../../db/numbers.js';
import { findBatch, listBatchNumbers, outcomeText, reasonText } from '../../db/subjects/number-unsubscribe.js';
import { numberUnsubscribeKind } from '../../domain/kinds/number-unsubscribe.js';
import { unsubscribeOutcome } from '../../domain/numbers.js';
import { translate } from '../../i18n/index.js';
import { CONTENT_TYPES } from '../../files/sniff.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { tenantOf } from './auth.js';
import { apiLanguage } from './language.js';
import { isSubjectId, NUMBERS_CURSOR_PATTERN } from './ids.js';
import { queryInteger } from './query.js';


/** The results sheet's columns: the number first, so the failed rows can be uploaded again. */
const RESULT_HEADERS = ['number', 'outcome', 'reason', 'outcomeCode'] as const;

/**
 * The sheet a tenant fills in to unsubscribe numbers: a header in the caller's language over the
 * first column, and a second sheet saying how (the batch reads only the first sheet's first column).
 * Registered before the kinds' routes, where "template" would be read as a batch id.
 */
export function unsubscribeTemplateRoutes(): Router {
  const r = Router();
  r.get('/number-unsubscriptions/template', async (req, res) => {
    const lang = apiLanguage(req);
    const workbook = new (await excel()).Workbook();
    workbook.addWorksheet(translate(lang, 'unsubscribe.template.sheet')).addRow([translate(lang, 'unsubscribe.sheet.number')]);
    const help = workbook.addWorksheet(translate(lang, 'unsubscribe.template.help'));
    for (const line of ['line1', 'line2', 'line3']) help.addRow([translate(lang, `unsubscribe.template.${line}`)]);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    res.status(200).type(CONTENT_TYPES.xlsx).attachment(lang === 'zh-CN' ? 'number-unsubscribe-template-zh.xlsx' : 'number-unsubscribe-template.xlsx').set('Vary', 'Accept-Language').send(body);
  });
  return r;
}

const numbersQuery = z.object({
  status: z.enum(['active', 'released']).optional(),
  cursor: z.string().regex(new RegExp(NUMBERS_CURSOR_PATTERN), 'cursor is not one this API returned').optional(),
  limit: queryInteger(1, 1000).default(100),
});

/** The tenant's numbers (GET /numbers) and an unsubscribe batch's results as a spreadsheet. */
export function numbersApi(deps: AppDeps): Router {
  const r = Router();

  r.get('/numbers', async (req, res) => {
    const q = numbersQuery.safeParse(req.query);
    if (!q.success) throw validationFailed(q.error, apiLanguage(req), ['query']);
    const rows = await listTenantNumbers(deps.db, { tenantId: tenantOf(res).id, status: q.data.status, afterId: q.data.cursor ? Number(q.data.cursor) : undefined, limit: q.data.limit });
    const last = rows[rows.length - 1];
    res.json({
      items: rows.map((n) => ({ number: n.number, city: n.city, status: n.status, rentFrom: n.rentFrom, rentUntil: n.rentUntil, orderId: n.orderId })),
      nextCursor: rows.length === q.data.limit && last ? String(last.id) : null,
    });
  });

  /**
   * Number, outcome and reason (in the caller's language) for every listed number, in sheet
   * order. The number column is the number as kept (or as written, when it was not one), so
   * the failed rows can be uploaded again as a new batch.
   */
  r.get('/number-unsubscriptions/:id/results', async (req: Request<{ id: string }>, res) => {
    if (!isSubjectId(numberUnsubscribeKind.subjectPrefix, req.params.id)) throw notFound('number unsubscribe');
    const batch = await findBatch(deps.db, req.params.id);
    if (!batch || batch.tenantId !== tenantOf(res).id) throw notFound('number unsubscribe');
    const lang = apiLanguage(req);
    if (!batch.finishedAt) {
      const message = lang === 'zh-CN' ? `号码仍在检查中（已完成 ${batch.processed}/${batch.total}），请稍后下载` : `the numbers are still being checked (${batch.processed} of ${batch.total} done); download the results when the batch has finished`;
      throw new HttpError(409, 'not_finished', message, [{ path: 'id', message }]);
    }
    res.status(200).type(CONTENT_TYPES.xlsx).attachment(`${batch.id}-results.xlsx`);
    const workbook = new (await excel()).stream.xlsx.WorkbookWriter({ stream: res, useSharedStrings: false, useStyles: false });
    try {
      const sheet = workbook.addWorksheet(translate(lang, 'unsubscribe.sheet.results'));
      sheet.addRow(RESULT_HEADERS.map((h) => translate(lang, `unsubscribe.sheet.${h}`))).commit();
      for (let after = 0; ; ) {
        const page = await listBatchNumbers(deps.db, batch.id, 'all', after, 2000);
        for (const row of page) sheet.addRow([row.number ?? row.text, outcomeText(row, lang), reasonText(row, lang), unsubscribeOutcome(row)]).commit();
        if (page.length < 2000) break;
        after = page[page.length - 1]!.position;
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      // The sheet was already under way: no error answer can follow it, so the download is cut short instead.
      deps.log.warn({ err, batchId: batch.id }, 'results download failed part-way');
      res.destroy();
    }
  });
  return r;
}
