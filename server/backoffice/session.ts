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
      const next_ = encodeURIComponent(returnAfterLogin(req));
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

const READS = new Set(['GET', 'HEAD']);

/** The path and query of an address, when it is one; only that part is ever used, so it stays on this site. */
function localPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, 'http://local.invalid');
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return `${u.pathname.replace(/^\/+/, '/')}${u.search}`;
  } catch {
    return undefined;
  }
}

/**
 * Where a login sends someone whose session ended: the page they were reading. A form's action
 * is never that page (opened afterwards, it is a 404, or repeats nothing the user saw), so a
 * post returns to the page the form was on (its Referer, or for htmx the page's own address),
 * else the review it acted on, else the queue.
 */
export function returnAfterLogin(req: Pick<Request, 'method' | 'originalUrl' | 'get'>): string {
  const htmxPage = req.get('hx-request') ? localPath(req.get('hx-current-url')) : undefined;
  if (READS.has(req.method)) return htmxPage ?? req.originalUrl;
  const from = htmxPage ?? localPath(req.get('referer'));
  if (from && from !== '/login' && !from.startsWith('/login?')) return from;
  const review = /^\/reviews\/([0-9a-f-]{36})\//i.exec(req.originalUrl);
  return review ? `/reviews/${review[1]}` : '/queue';
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
