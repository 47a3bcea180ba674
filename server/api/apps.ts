import { Router, type Request, type Response } from 'express';
import { latestOptOutReviews, listTenantApps, findTenantApp, type AppRow } from '../../db/apps.js';
import { findTenantReview } from '../../db/reviews.js';
import type { Language } from '../../domain/labels.js';
import { listServices } from '../../db/services.js';
import type { ServiceState } from '../../domain/business-types.js';
import { shownAppStatus } from '../../domain/gates.js';
import type { AppDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { changeApp, createApp, rotateAppSecret } from '../use-cases/apps.js';
import { validIdempotencyKey } from '../use-cases/idempotency.js';
import { tenantOf } from './auth.js';
import { subjectAnswer } from './kind-routes.js';
import { apiLanguage } from './language.js';

/** The app as the tenant sees it; the secret only in the answer that made it. */
async function appViews(deps: AppDeps, rows: AppRow[], lang: Language) {
  const optOuts = await latestOptOutReviews(deps.db, rows.map((a) => a.id));
  const services = rows.length > 0 ? new Map((await listServices(deps.db, rows[0]!.tenantId)).map((s) => [s.businessType as string, s.state])) : new Map<string, ServiceState>();
  return Promise.all(
    rows.map(async (a) => {
      const reviewId = optOuts.get(a.id);
      const review = reviewId ? await findTenantReview(deps.db, a.tenantId, reviewId) : undefined;
      return {
        id: a.id,
        name: a.name,
        businessType: a.businessType,
        status: shownAppStatus(a.status, services.get(a.businessType) ?? 'none'),
        recording: a.recording,
        qualityCheck: a.qualityCheck,
        qualityCheckPromptAudioId: a.promptAudioId,
        qualityCheckReview: review ? await subjectAnswer(deps, review, lang) : null,
        statusCallbackUrl: a.statusCallbackUrl,
        cdrCallbackUrl: a.cdrCallbackUrl,
        appKey: a.appKey,
        createdAt: a.createdAt.toISOString(),
        updatedAt: a.updatedAt.toISOString(),
      };
    }),
  );
}

export async function appView(deps: AppDeps, row: AppRow, lang: Language) {
  const [view] = await appViews(deps, [row], lang);
  return view!;
}

const context = (req: Request) => ({ lang: apiLanguage(req), ip: req.ip ?? null });

/** Apps: created within the quota, changed (turning quality checks off is reviewed), never deleted. */
export function appRoutes(deps: AppDeps): Router {
  const r = Router();

  r.post('/apps', async (req, res) => {
    const { app, secret } = await createApp(deps, tenantOf(res), req.body, context(req));
    res.status(201).location(`/api/v1/apps/${app.id}`).json({ ...(await appView(deps, app, apiLanguage(req))), appSecret: secret });
  });

  r.get('/apps', async (req, res) => {
    res.json({ items: await appViews(deps, await listTenantApps(deps.db, tenantOf(res).id), apiLanguage(req)) });
  });

  const tenantApp = async (req: Request<{ id: string }>, res: Response) => {
    const app = await findTenantApp(deps.db, tenantOf(res).id, req.params.id);
    if (!app) throw notFound('app');
    return app;
  };

  r.get('/apps/:id', async (req: Request<{ id: string }>, res) => {
    res.json(await appView(deps, await tenantApp(req, res), apiLanguage(req)));
  });

  r.patch('/apps/:id', async (req: Request<{ id: string }>, res) => {
    const idempotencyKey = validIdempotencyKey(req.get('idempotency-key'));
    const { app, optOut } = await changeApp(deps, tenantOf(res), req.params.id, req.body, { ...context(req), idempotencyKey });
    res.status(optOut ? 202 : 200).json(await appView(deps, app, apiLanguage(req)));
  });

  r.post('/apps/:id/secret', async (req: Request<{ id: string }>, res) => {
    const { app, secret } = await rotateAppSecret(deps, tenantOf(res), req.params.id, context(req));
    res.json({ ...(await appView(deps, app, apiLanguage(req))), appSecret: secret });
  });
  return r;
}
