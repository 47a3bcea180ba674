import type { Language } from '../domain/labels.js';
import type { TemplateError } from '../domain/notice-templates.js';
import { translate, translateWith } from './index.js';

/** A refused notice template in the reader's words, naming the field and, for a variable, the ones allowed. */
export function templateErrorText(err: TemplateError, lang: Language): string {
  return translateWith(lang, `templateError.${err.code}`, { ...err.params, field: translate(lang, `templateError.field.${err.field}`) });
}
