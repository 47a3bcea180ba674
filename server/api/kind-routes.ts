import { Router, type Request, type Response } from 'express';
import { findTenantReview, type ReviewRow } from '../../db/reviews.js';
import { findFileLimits } from '../../db/rules.js';
import { storeOf } from '../../db/subjects/index.js';
import { KINDS, type AnyKindDefinition, type FileRule } from '../../domain/kinds/index.js';
import type { ReviewKind } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { resubmitReview } from '../use-cases/intake/resubmit.js';
import { submitAndView } from '../use-cases/intake/submit.js';
import type { Submission } from '../use-cases/intake/submission.js';
import { withdrawReview } from '../use-cases/intake/withdraw.js';
import { validIdempotencyKey } from '../use-cases/idempotency.js';
import { callerOf, tenantOf } from './auth.js';
import { jsonBody } from './body.js';
import { apiLanguage } from './language.js';
import { readMultipart } from './multipart.js';
import { toReviewView } from './review-view.js';
import { isSubjectId } from './ids.js';


/** The review view plus the submitted object's id and what its kind shows the tenant. */
export async function subjectAnswer(deps: AppDeps, row: ReviewRow, lang: 'zh-CN' | 'en' = 'en', subjectView?: Record<string, unknown>) {
  const def = KINDS[row.kind as ReviewKind];
  const store = storeOf(def.kind);
  const extra = subjectView ?? (await store.tenantView?.(deps, row.subjectId)) ?? {};
  const view = toReviewView(row, await deps.calendar(), lang);
  const worded = view.decision ? await store.reasonWording?.(deps.db, row.subjectId, view.decision.reasonCode) : undefined;
  if (view.decision && worded) view.decision.reasonText = worded[lang];
  return { ...view, ...extra, subjectId: row.subjectId, ...(def.api?.idAlias ? { [def.api.idAlias]: row.subjectId } : {}) };
}

/** The kind's file fields with the types and sizes its rule set allows now. */
async function fileRulesInForce(deps: AppDeps, kind: ReviewKind, rules: Record<string, FileRule>): Promise<Record<string, FileRule>> {
  const limits = (await findFileLimits(deps.db, kind)) ?? {};
  return Object.fromEntries(Object.entries(rules).map(([field, rule]) => [field, limits[field] ? { ...rule, ...limits[field] } : rule]));
}

/** A JSON body, or a multipart form streamed to staging, as the kind takes it. An edit of a multipart kind may be JSON. */
async function readSubmission(deps: AppDeps, req: Request, res: Response, def: AnyKindDefinition, editing: boolean): Promise<Submission> {
  const json = req.is(['application/json', 'application/*+json']);
  const jsonAllowed = editing ? def.editInput !== undefined : def.jsonInput !== undefined;
  if (def.intake.type === 'multipart' && !(json && jsonAllowed)) {
    const form = await readMultipart(req, deps.files, await fileRulesInForce(deps, def.kind, def.intake.files));
    return { body: form.fields, files: form.files, json: false };
  }
  await new Promise<void>((resolve, reject) => jsonBody(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  return { body: req.body as unknown, files: {}, json: true };
}

/**
 * Every kind with tenant routes gets the same four: submit, read, edit (a new round) and delete
 * (withdraw), as its definition allows. Nothing here knows one kind from another.
 */
export function kindRoutes(deps: AppDeps): Router {
  const r = Router();
  for (const def of Object.values(KINDS)) {
    if (!def.api) continue;
    const base = `/${def.api.path}`;
    const subjectParam = (req: Request<{ id: string }>) => {
      if (!isSubjectId(def.subjectPrefix, req.params.id)) throw notFound(def.kind.replace(/_/g, ' '));
      return req.params.id;
    };

    r.post(base, async (req, res) => {
      const lang = apiLanguage(req);
      const idempotencyKey = validIdempotencyKey(req.get('idempotency-key'));
      const submission = await readSubmission(deps, req, res, def, false);
      const { row, subjectView } = await submitAndView(deps, tenantOf(res), def.kind, submission, { idempotencyKey, lang, caller: callerOf(req, res) });
      res.status(201).location(`/api/v1/reviews/${row.id}`).json(await subjectAnswer(deps, row, lang, subjectView));
    });

    r.get(`${base}/:id`, async (req: Request<{ id: string }>, res) => {
      const id = subjectParam(req);
      const reviewId = await storeOf(def.kind).reviewOf(deps.db, tenantOf(res).id, id);
      const row = reviewId ? await findTenantReview(deps.db, tenantOf(res).id, reviewId) : undefined;
      if (!row) throw notFound(def.kind.replace(/_/g, ' '));
      res.json(await subjectAnswer(deps, row, apiLanguage(req)));
    });

    if (def.api.resubmit) {
      r.put(`${base}/:id`, async (req: Request<{ id: string }>, res) => {
        const id = subjectParam(req);
        const lang = apiLanguage(req);
        const submission = await readSubmission(deps, req, res, def, true);
        const row = await resubmitReview(deps, tenantOf(res), def.kind, id, submission, lang, callerOf(req, res));
        res.json(await subjectAnswer(deps, row, lang));
      });
    }

    if (def.api.withdraw) {
      r.delete(`${base}/:id`, async (req: Request<{ id: string }>, res) => {
        const row = await withdrawReview(deps, tenantOf(res), def.kind, subjectParam(req));
        res.json(await subjectAnswer(deps, row, apiLanguage(req)));
      });
    }
  }
  return r;
}
