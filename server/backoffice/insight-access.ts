import type { Request, Response } from 'express';
import type { Language } from '../../domain/labels.js';
import type { Role } from '../../domain/review.js';
import { pickLanguage } from '../i18n/index.js';
import { staffOf } from './session.js';

/** Statistics and the audit log: the roles that oversee the work (reviewers see their own dashboard only). */
export const INSIGHT_READERS: Role[] = ['supervisor', 'admin', 'auditor'];

export const languageOf = (req: Request, res: Response): Language =>
  pickLanguage((req.cookies as Record<string, string | undefined>).vrd_lang, staffOf(res).language);
