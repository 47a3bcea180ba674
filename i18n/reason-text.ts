import type { TemplateViolation } from '../domain/checks.js';
import type { Language } from '../domain/labels.js';
import { translate, translateWith } from './index.js';

/** A rejection's reason and its explanation as one phrase, with the punctuation of the language. */
export function reasonWithExplanation(lang: Language, label: string | null | undefined, explanation: string | null | undefined): string {
  if (label && explanation) return translateWith(lang, 'reason.withExplanation', { reason: label, explanation });
  return label || explanation || '';
}

/** Why a template failed its checks, naming what was found, in one language. */
export function templateViolationWording(v: TemplateViolation, lang: Language): string {
  if (v.code === 'banned_words') {
    const words = v.words.map((w) => translateWith(lang, 'reason.quoted', { text: w })).join(translate(lang, 'reason.wordSeparator'));
    return translateWith(lang, 'reason.bannedWords', { words });
  }
  const parts: string[] = [];
  if (v.length) parts.push(translateWith(lang, 'reason.tooLong', { actual: String(v.length.actual), max: String(v.length.max) }));
  if (v.variables) parts.push(translateWith(lang, 'reason.tooManyVariables', { actual: String(v.variables.actual), max: String(v.variables.max) }));
  const sentence = parts.join(translate(lang, 'reason.partSeparator'));
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/**
 * An automatic reason stored, before reasons were kept as facts, as "中文 / English": the half in
 * the reader's language, or undefined when the text is not of that shape.
 */
export function storedBilingualReason(text: string | null | undefined): Record<Language, string> | undefined {
  // Split at the first " / " after a Chinese character, where the English half begins.
  const m = /^(.*?\p{Script=Han}.*?) \/ ([^\p{Script=Han}].*)$/su.exec(text ?? '');
  return m ? { 'zh-CN': m[1]!, en: m[2]! } : undefined;
}
