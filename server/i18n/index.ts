import type { Language } from '../../domain/labels.js';
import { coreMessages } from './messages/core.js';
import { errorMessages } from './messages/errors.js';
import type { Messages } from './types.js';

/**
 * Back-office wording. zh-CN is the default; English is one click away. Each area keeps its
 * wording in its own file under messages/; a key defined twice is a mistake the tests catch.
 */
export const MESSAGE_SOURCES: Record<string, Messages> = { core: coreMessages, errors: errorMessages };

const messages: Messages = Object.assign({}, ...Object.values(MESSAGE_SOURCES));

export function hasMessage(key: string): boolean {
  return key in messages;
}

export function translate(lang: Language, key: string): string {
  const m = messages[key];
  return m ? m[lang] : key;
}

export function pickLanguage(cookie: string | undefined, fallback: Language = 'zh-CN'): Language {
  return cookie === 'en' || cookie === 'zh-CN' ? cookie : fallback;
}
