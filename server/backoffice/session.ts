import type { NextFunction, Request, Response } from 'express';
import { findSessionStaff, type StaffMember } from '../../db/staff.js';
import type { Role } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../errors.js';

export const SESSION_COOKIE = 'vrd_sid';

declare module 'express-serve-static-core' {
  interface Locals {
    staff?: StaffMember;
  }
}

export function loadSession(deps: AppDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = (req.cookies as Record<string, string | undefined>)[SESSION_COOKIE];
    if (token && token.length < 100) res.locals.staff = await findSessionStaff(deps.db, token);
    // Pages and fragments of a signed-in member are theirs alone: no browser or proxy keeps a copy.
    if (res.locals.staff) res.set('Cache-Control', 'no-store');
    next();
  };
}

/** Every back-office route names the roles that may use it; nobody else gets through. */
export function requireRole(...roles: Role[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const staff = res.locals.staff;
    if (!staff) {
      const next_ = encodeURIComponent(req.originalUrl);
      if (req.get('hx-request')) {
        res.status(401).set('HX-Redirect', `/login?next=${next_}`).send('');
        return;
      }
      res.redirect(303, `/login?next=${next_}`);
      return;
    }
    if (!roles.includes(staff.role)) throw new HttpError(403, 'forbidden', `the ${staff.role} role may not open this page`);
    next();
  };
}

export function staffOf(res: Response): StaffMember {
  const s = res.locals.staff;
  if (!s) throw new HttpError(401, 'unauthorized', 'log in first');
  return s;
}

export const ALL_STAFF: Role[] = ['reviewer', 'supervisor', 'admin', 'auditor'];
export const DECIDERS: Role[] = ['reviewer', 'supervisor', 'admin'];
/** Notices carry contacts' e-mails and mobiles: the outbox and the dev sinks that show them are for these roles. */
export const NOTICE_READERS: Role[] = ['supervisor', 'admin', 'auditor'];
