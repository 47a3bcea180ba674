import type { Request } from 'express';
import type { Language } from '../../domain/labels.js';

/**
 * The tenant API answers in the caller's Accept-Language: Chinese when it prefers zh (any region),
 * English when it prefers en. With no header, or `*`, the answer is Chinese, the platform's own
 * language; a header naming only other languages gets English.
 */
export function apiLanguage(req: Request): Language {
  const preferred = req.acceptsLanguages('zh-CN', 'zh', 'en');
  return typeof preferred === 'string' && preferred.startsWith('zh') ? 'zh-CN' : 'en';
}
