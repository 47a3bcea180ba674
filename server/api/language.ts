import type { Request } from 'express';
import type { Language } from '../../domain/labels.js';

/** The tenant API answers in the caller's Accept-Language: Chinese when it prefers zh, English otherwise. */
export function apiLanguage(req: Request): Language {
  const preferred = req.acceptsLanguages('zh-CN', 'zh', 'en');
  return typeof preferred === 'string' && preferred.startsWith('zh') ? 'zh-CN' : 'en';
}
