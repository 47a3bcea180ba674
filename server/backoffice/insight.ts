import { Router } from 'express';
import type { AppDeps } from '../deps.js';
import { auditLogRouter } from './audit-log.js';
import type { Csrf } from './csrf.js';
import { dashboardRouter } from './dashboard.js';
import { statisticsRouter } from './statistics.js';

/** The dashboard, statistics and the audit log: pages that read figures and history and change nothing else. */
export function insightRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  r.use(dashboardRouter(deps, csrf));
  r.use(statisticsRouter(deps, csrf));
  r.use(auditLogRouter(deps, csrf));
  return r;
}
