/**
 * Automatic checks a kind may run on a new submission before any person looks, with the limits
 * admins adjust in the kind's rule set. Pure: no I/O.
 */
import type { FileType } from './kinds/definition.js';

/** What a voice template may contain. */
export interface TemplateChecks {
  /** Words and phrases that reject a template at once (matched ignoring letter case and spaces). */
  bannedPhrases: string[];
  /** Most `${...}` variables a template may use. */
  maxVariables: number;
  /** Most characters of content. */
  maxLength: number;
}

/** What an uploaded recording must be: the audio check's own limits (domain/audio-format.ts). */
export { DEFAULT_AUDIO_LIMITS, type AudioLimits } from './audio-format.js';
import type { AudioLimits } from './audio-format.js';
import type { ImageMinimum } from './image-check.js';
import type { RiskLimits } from './risk-signals.js';
export type { ImageMinimum } from './image-check.js';
export type { RiskLimits } from './risk-signals.js';

/** The encodings an admin may allow, named as the audio check names what it reads. */
export const AUDIO_ENCODINGS = ['pcm_16', 'alaw', 'mulaw', 'pcm_8', 'pcm_24', 'pcm_32', 'float_32'] as const;

/** One uploaded file field: which types (by content) and how large. */
export interface FileLimit {
  types: FileType[];
  maxBytes: number;
}

/** Every check a kind may have; a kind's definition gives the defaults of the ones it runs. */
export interface KindChecks {
  template?: TemplateChecks;
  audio?: AudioLimits;
  /** Per multipart file field. */
  files?: Record<string, FileLimit>;
  /** Per image field: the smallest pixel size the legibility pre-check accepts. */
  images?: Record<string, ImageMinimum>;
  /** Thresholds of the risk signals shown to reviewers. */
  risk?: RiskLimits;
}

/** Largest file an admin may allow, whatever the field. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Folds case, full-width forms and spaces, so "免 费" and "ＦＲＥＥ" match "免费" and "free". */
export function foldForMatching(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/** The banned phrases a text contains, in the catalogue's order and wording. */
export function bannedPhrasesIn(text: string, banned: readonly string[]): string[] {
  const folded = foldForMatching(text);
  return banned.filter((p) => {
    const f = foldForMatching(p);
    return f.length > 0 && folded.includes(f);
  });
}

export type TemplateViolation =
  | { code: 'banned_words'; words: string[] }
  | { code: 'template_limits'; length?: { actual: number; max: number }; variables?: { actual: number; max: number } };

/** The first reason a template fails its checks, or null when it passes. Banned words come first. */
export function checkTemplate(content: string, variables: number, checks: TemplateChecks): TemplateViolation | null {
  const words = bannedPhrasesIn(content, checks.bannedPhrases);
  if (words.length > 0) return { code: 'banned_words', words };
  const length = [...content].length;
  const tooLong = length > checks.maxLength;
  const tooMany = variables > checks.maxVariables;
  if (!tooLong && !tooMany) return null;
  return {
    code: 'template_limits',
    ...(tooLong ? { length: { actual: length, max: checks.maxLength } } : {}),
    ...(tooMany ? { variables: { actual: variables, max: checks.maxVariables } } : {}),
  };
}
