import type { NextFunction, Request, Response } from 'express';
import { findTenantByApiKey, type TenantRow } from '../../db/tenants.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

declare module 'express-serve-static-core' {
  interface Locals {
    tenant?: TenantRow;
  }
}

/** Bearer API key → the tenant; every API route below this sees only that tenant's objects. */
export function requireTenant(deps: AppDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new HttpError(401, 'unauthorized', 'send your API key as "Authorization: Bearer <key>"', [], { 'WWW-Authenticate': 'Bearer' });
    }
    const tenant = await findTenantByApiKey(deps.db, match[1]);
    if (!tenant) throw new HttpError(401, 'unauthorized', 'the API key is unknown or revoked', [], { 'WWW-Authenticate': 'Bearer' });
    res.locals.tenant = tenant;
    next();
  };
}

export function tenantOf(res: Response): TenantRow {
  const tenant = res.locals.tenant;
  if (!tenant) throw new HttpError(401, 'unauthorized', 'no tenant');
  return tenant;
}
