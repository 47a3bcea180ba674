import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { createFieldCipher } from '../../db/sealed-field.js';

export const FLASH_COOKIE = 'vrd_flash';
/** Long enough for a slow redirect, short enough that a message never greets a later visit. */
const FLASH_SECONDS = 120;

/**
 * What a POST tells the page it redirects to. The wording is a message key with parameters, so the
 * page says it in its reader's language. A form that failed travels with it (what was typed, the
 * refusals beside each field), so the page it lands on shows the form as it was left.
 */
export interface Flash {
  kind: 'ok' | 'error' | 'info';
  key: string;
  params?: Record<string, string>;
  /** Something shown once and kept nowhere readable (a new API key): the page shows it under this element id. */
  secret?: { id: string; label: string; value: string };
  form?: FlashForm;
}

export interface FlashForm {
  /** Which form on the page it is: `contact-new`, `contact-<id>`, `service-<type>-<action>`… */
  id: string;
  values: Record<string, string | string[]>;
  errors: Record<string, string>;
}

interface FlashBox {
  incoming: Flash | undefined;
  set: (res: Response, flash: Flash) => void;
  clear: (res: Response) => void;
}

declare module 'express-serve-static-core' {
  interface Locals {
    flashBox?: FlashBox;
  }
}

/**
 * The flash travels in a cookie sealed as personal data is at rest (AES-256-GCM), under a key derived
 * from the cookie secret: it may hold a secret shown once, which neither the browser's cookie store
 * nor a log of headers may read, and a forged or altered one is dropped.
 */
export function flashCookies(cookieSecret: string, secure: boolean) {
  const cipher = createFieldCipher(createHash('sha256').update(`vrd-flash\0${cookieSecret}`).digest());
  const options = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };

  const seal = (flash: Flash) => cipher.seal(JSON.stringify(flash));
  const open = (sealed: string | undefined): Flash | undefined => {
    if (!sealed || sealed.length > 8192) return undefined;
    try {
      const flash = JSON.parse(cipher.open(sealed)) as Flash;
      return typeof flash?.key === 'string' ? flash : undefined;
    } catch {
      return undefined;
    }
  };

  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.flashBox = {
      incoming: open((req.cookies as Record<string, string | undefined>)[FLASH_COOKIE]),
      set: (r, flash) => r.cookie(FLASH_COOKIE, seal(flash), { ...options, maxAge: FLASH_SECONDS * 1000 }),
      clear: (r) => r.clearCookie(FLASH_COOKIE, options),
    };
    next();
  };
}

/** Ends a POST: the flash for the next page, and a 303 to a page that can be opened and reloaded. */
export function redirectWith(res: Response, location: string, flash: Flash): void {
  res.locals.flashBox?.set(res, flash);
  res.redirect(303, location);
}

/** The flash that came with this request, left for the page to show (a route reads a failed form from it). */
export const incomingFlash = (res: Response): Flash | undefined => res.locals.flashBox?.incoming;

/** The form this page should show as it was left, when the flash carries that form. */
export function keptForm(res: Response, id: string): FlashForm | undefined {
  const form = incomingFlash(res)?.form;
  return form?.id === id ? form : undefined;
}

/** A full page shows the flash once: taking it clears the cookie, so a reload shows the page alone. */
export function takeFlash(res: Response): Flash | undefined {
  const box = res.locals.flashBox;
  if (!box?.incoming) return undefined;
  const flash = box.incoming;
  box.incoming = undefined;
  box.clear(res);
  return flash;
}

/** A refused form's fields as the page shows them again: text as typed, checkbox lists as lists. */
export function formValues(body: Record<string, unknown>, names: readonly string[], lists: readonly string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const n of names) out[n] = typeof body[n] === 'string' ? (body[n] as string).slice(0, 500) : '';
  for (const n of lists) {
    const v = body[n];
    out[n] = (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 20).map((x) => x.slice(0, 64));
  }
  return out;
}
